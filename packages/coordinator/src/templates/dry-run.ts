/** Checking every template of a manifest before it is accepted (MarbleRun's TemplateDryRun). */
import { isCertSecretType, type Secret } from '../manifest/types.js';
import type { SecretMap } from '../secrets/types.js';
import { renderEntry, type ParametersInput } from './render.js';
import { rootValue } from './values.js';

const A = new Uint8Array([0x41]);

/**
 * Placeholder values with exactly the parts a secret of each type can have, so a selector a
 * type never has (`.Cert` of a symmetric key) fails now instead of at activation.
 */
function placeholders(definitions: Record<string, Secret>): SecretMap {
  const out: SecretMap = {};
  for (const [name, def] of Object.entries(definitions)) {
    out[name] = isCertSecretType(def.Type) ? { Type: def.Type, Cert: A, Public: A, Private: A } : { Type: def.Type, Public: A, Private: A };
  }
  return out;
}

/** The root value a dry run renders against: placeholders for `definitions`. */
export function dryRunRoot(definitions: Record<string, Secret>) {
  const secrets = placeholders(definitions);
  return rootValue({
    secrets,
    previous: secrets,
    marbleRun: { rootCa: A, marbleCert: { cert: A, public: A, private: A }, coordinatorRoot: A, coordinatorIntermediate: A },
  });
}

/**
 * Parses and runs every Files and Env template of every marble against placeholder secrets:
 * syntax, unknown functions (raw in Env, string in Files), unknown secrets or fields, string on
 * a non-plain secret, selectors the secret type lacks, NUL bytes in Env data. Marbles and
 * entries are checked in name order; the first problem is thrown as ERR_MANIFEST_INVALID with
 * its path (`Marbles.<m>.Parameters.Env.<name>`).
 */
export function dryRunTemplates(manifest: { Marbles?: Record<string, { Parameters?: ParametersInput }>; Secrets?: Record<string, Secret> }): void {
  const root = dryRunRoot(manifest.Secrets ?? {});
  const marbles = manifest.Marbles ?? {};
  for (const marbleName of Object.keys(marbles).sort()) {
    const params = marbles[marbleName]!.Parameters ?? {};
    for (const [section, target] of [['Files', 'file'], ['Env', 'env']] as const) {
      const entries = params[section] ?? {};
      for (const name of Object.keys(entries).sort()) {
        renderEntry(entries[name]!, target, root, `Marbles.${marbleName}.Parameters.${section}.${name}`, 'dry-run');
      }
    }
  }
}
