/**
 * The coordinator's seal provider as `confide serve` configures it: in dev mode a key file the
 * coordinator keeps in the data directory; in production a key derived from the operator's
 * `seal.keyFile`, so no key is ever written beside the sealed state.
 */
import { hkdfSync } from 'node:crypto';
import { createFileSealProvider, createMemorySealProvider, type SealProvider } from '@confide/coordinator';
import { readKeyFile } from '../seal/index.js';

/**
 * With `keyFile`, the wrapping key is HKDF-SHA256 of it under its own label (so it never equals
 * the instance seal key); a different key at a later start means recovery. Throws ERR_CONFIG_INVALID (unreadable or bad key file).
 */
export function coordinatorSealProvider(options: { dataDir: string; keyFile: string | undefined }): SealProvider {
  if (options.keyFile === undefined) return createFileSealProvider({ dataDir: options.dataDir });
  const instanceKey = readKeyFile(options.keyFile, 'seal.keyFile');
  return createMemorySealProvider(new Uint8Array(hkdfSync('sha256', instanceKey, new Uint8Array(0), 'confide/coordinator-seal/v1', 32)));
}
