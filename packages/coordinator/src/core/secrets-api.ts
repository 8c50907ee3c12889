/** Users reading and writing secrets (GET/POST /api/v2/secrets), as their roles allow. */
import { toBase64 } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Secret } from '../manifest/types.js';
import { acceptUserSecret, type UserSecretUpload } from '../secrets/user-secret.js';
import type { SecretMap, SecretValue } from '../secrets/types.js';
import { updateLogLine, type Change } from './change.js';
import type { StateData } from './state.js';
import { requirePermission } from './users.js';

/**
 * A secret as MarbleRun's GET /secrets returns it: Go's encoding of manifest.Secret, so every
 * field by its Go name and always present; bytes in base64 (the certificate as its DER), null
 * where the secret has none.
 */
export interface SecretView {
  Type: string;
  Size: number;
  Shared: boolean;
  UserDefined: boolean;
  Cert: string | null;
  ValidFor: number;
  Private: string | null;
  Public: string | null;
}

function definitionOf(state: StateData, name: string): Secret {
  const defs = state.deployment!.manifest.Secrets;
  const def = Object.hasOwn(defs, name) ? defs[name] : undefined;
  if (!def) throw new CoordinatorError('ERR_NOT_FOUND', `the manifest has no secret ${name}`, { details: { secret: name } });
  return def;
}

function view(def: Secret, value: SecretValue): SecretView {
  const b64 = (bytes: Uint8Array | undefined) => (bytes ? toBase64(bytes) : null);
  return {
    Type: def.Type,
    Size: def.Size,
    Shared: def.Shared,
    UserDefined: def.UserDefined,
    Cert: b64(value.Cert),
    ValidFor: def.ValidFor ?? 0,
    Private: b64(value.Private),
    Public: b64(value.Public),
  };
}

/**
 * The named secrets, each one the user may read. Throws ERR_NOT_FOUND (no such secret, checked
 * first), ERR_FORBIDDEN (no ReadSecret role on one of them, checked before anything is returned), ERR_SECRET_INVALID
 * (a user-defined secret not uploaded yet).
 */
export function readSecrets(state: StateData, user: string, names: string[]): Record<string, SecretView> {
  const deployment = state.deployment!;
  // An unknown name says so (the manifest is public: GET /manifest), rather than "may not ReadSecret".
  for (const name of names) definitionOf(state, name);
  for (const name of names) requirePermission(deployment.manifest, user, { resource: 'Secrets', action: 'ReadSecret', name });
  const out: Record<string, SecretView> = {};
  for (const name of names) {
    const def = definitionOf(state, name);
    const value = Object.hasOwn(deployment.secrets, name) ? deployment.secrets[name] : undefined;
    if (!value || (!value.Private && !value.Cert)) throw new CoordinatorError('ERR_SECRET_INVALID', `secret ${name} has no value yet`, { details: { secret: name } });
    out[name] = view(def, value);
  }
  return out;
}

/**
 * The change that stores uploaded user-defined secrets, all or none. Throws ERR_NOT_FOUND (no
 * such secret, checked first), ERR_FORBIDDEN (no WriteSecret role on one of them), ERR_SECRET_INVALID.
 */
export function writeSecretsChange(state: StateData, user: string, uploads: Record<string, UserSecretUpload>, now: Date): Change<{ written: string[] }> {
  const deployment = state.deployment!;
  const names = Object.keys(uploads).sort();
  if (names.length === 0) throw new CoordinatorError('ERR_VALIDATION', 'no secrets given');
  for (const name of names) definitionOf(state, name);
  for (const name of names) requirePermission(deployment.manifest, user, { resource: 'Secrets', action: 'WriteSecret', name });
  const secrets: SecretMap = { ...deployment.secrets };
  for (const name of names) secrets[name] = acceptUserSecret(name, definitionOf(state, name), uploads[name]!);
  return {
    next: {
      ...state,
      deployment: { ...deployment, secrets, updateLog: [...deployment.updateLog, updateLogLine(now, { update: 'secrets set', user, secrets: names })] },
    },
    result: { written: names },
    audit: [{ type: 'secret.write', actor: user, details: { secrets: names } }],
  };
}
