/** Generating shared and per-marble secrets, and carrying them across manifest updates. */
import { webcrypto } from 'node:crypto';
import { isCertSecretType, type Secret } from '../manifest/types.js';
import type { CoordinatorPki } from '../pki/types.js';
import { checkSecretDefinition, sameDefinition } from './definition-check.js';
import { derivePerMarbleKey } from './derive.js';
import { generateSecretKeyPair } from './key-pair.js';
import { issueSecretCertificate } from './secret-cert.js';
import type { MarbleBinding, SecretMap, SecretValue } from './types.js';

export interface GenerateOptions {
  now: Date;
  /** Per-marble secrets of this marble; without it, the shared ones. */
  marble?: MarbleBinding;
  /** Root secret for per-marble derivation; default pki.rootSecret. */
  rootSecret?: Uint8Array;
}

/** Current values and the values before the last update or root-secret rotation (`.Previous`). */
export interface SecretsWithPrevious {
  secrets: SecretMap;
  previous: SecretMap;
}

async function generateOne(name: string, def: Secret, pki: CoordinatorPki, options: GenerateOptions): Promise<SecretValue> {
  checkSecretDefinition(name, def);
  if (def.Type === 'symmetric-key') {
    const bytes = def.Size / 8;
    const key = options.marble
      ? await derivePerMarbleKey(options.rootSecret ?? pki.rootSecret, options.marble, name, bytes)
      : webcrypto.getRandomValues(new Uint8Array(bytes));
    return { Type: def.Type, Public: key, Private: key };
  }
  if (!isCertSecretType(def.Type)) return { Type: def.Type }; // plain: only ever uploaded
  const keys = await generateSecretKeyPair(def);
  const cert = await issueSecretCertificate(def, keys, pki, options.now);
  return { Type: def.Type, Cert: cert, Public: keys.spki, Private: keys.pkcs8 };
}

/**
 * Generates the secrets of one scope: shared ones (no `marble`; user-defined secrets appear as
 * unset `{ Type }` entries until uploaded), or the per-marble ones of `marble` (symmetric keys
 * derived from the root secret, certificates new on every call). Throws ERR_MANIFEST_INVALID
 * for a definition it cannot generate.
 */
export async function generateSecrets(definitions: Record<string, Secret>, pki: CoordinatorPki, options: GenerateOptions): Promise<SecretMap> {
  const names = Object.keys(definitions).sort().filter((name) => {
    const def = definitions[name]!;
    return options.marble ? !def.Shared && !def.UserDefined : def.Shared || def.UserDefined;
  });
  const values = await Promise.all(
    names.map((name) => {
      const def = definitions[name]!;
      return def.UserDefined ? Promise.resolve<SecretValue>({ Type: def.Type }) : generateOne(name, def, pki, options);
    }),
  );
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

/**
 * The per-marble secrets of one activation and their `.Previous` values: symmetric keys
 * derived from the previous root secret (the current one when it was never rotated);
 * certificates are new each activation and their previous value is the same certificate.
 */
export async function generateMarbleSecrets(
  definitions: Record<string, Secret>,
  pki: CoordinatorPki,
  marble: MarbleBinding,
  now: Date,
): Promise<SecretsWithPrevious> {
  const secrets = await generateSecrets(definitions, pki, { now, marble });
  const previous: SecretMap = { ...secrets };
  if (pki.previousRootSecret) {
    for (const [name, value] of Object.entries(secrets)) {
      if (value.Type !== 'symmetric-key') continue;
      const key = await derivePerMarbleKey(pki.previousRootSecret, marble, name, definitions[name]!.Size / 8);
      previous[name] = { Type: value.Type, Public: key, Private: key };
    }
  }
  return { secrets, previous };
}

/** The shared secrets before an update: their definitions, values and previous values. */
export interface SharedSecretsBefore {
  definitions: Record<string, Secret>;
  secrets: SecretMap;
  previous: SecretMap;
}

/**
 * Shared secrets for a newly set manifest (no `before`), or after a manifest update, with
 * MarbleRun's rules: `pki` already carries the new intermediate, so every generated
 * certificate is issued again; a symmetric key is kept unless its definition changed or the
 * root secret rotates; an uploaded user-defined value is kept while its definition is the same;
 * the value replaced by an update becomes the previous one; a new secret's previous value is
 * its first value. Throws ERR_MANIFEST_INVALID.
 */
export async function generateSharedSecrets(
  definitions: Record<string, Secret>,
  pki: CoordinatorPki,
  options: { now: Date; before?: SharedSecretsBefore; rotateRootSecret?: boolean },
): Promise<SecretsWithPrevious> {
  const before = options.before;
  const shared = Object.keys(definitions).sort().filter((n) => definitions[n]!.Shared || definitions[n]!.UserDefined);
  const carried = new Map<string, SecretValue>(); // unchanged definitions: the value before the update
  for (const name of shared) {
    const oldDef = before?.definitions[name];
    const oldValue = before?.secrets[name];
    if (oldDef && oldValue && sameDefinition(oldDef, definitions[name]!)) carried.set(name, oldValue);
  }
  const keep = (name: string) => {
    const def = definitions[name]!;
    return carried.has(name) && (def.UserDefined || (def.Type === 'symmetric-key' && !options.rotateRootSecret));
  };
  const regenerate = Object.fromEntries(shared.filter((n) => !keep(n)).map((n) => [n, definitions[n]!]));
  const fresh = await generateSecrets(regenerate, pki, { now: options.now });
  const secrets: SecretMap = {};
  const previous: SecretMap = {};
  for (const name of shared) {
    const old = carried.get(name);
    if (keep(name)) {
      secrets[name] = old!;
      previous[name] = before?.previous[name] ?? old!;
    } else {
      secrets[name] = fresh[name]!;
      previous[name] = old ?? fresh[name]!;
    }
  }
  return { secrets, previous };
}
