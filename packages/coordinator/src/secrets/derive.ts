/** Per-marble symmetric keys, derived from the coordinator's root secret so a restarted marble (same UUID) gets the same key. */
import { hkdf } from 'node:crypto';
import { promisify } from 'node:util';
import { utf8 } from '@confide/core';
import type { MarbleBinding } from './types.js';

const hkdfAsync = promisify(hkdf);

/**
 * HKDF-SHA256(rootSecret, info = label, UUID, marble name (unless DisableSecretBinding) and
 * secret name, NUL-separated so no two inputs share an encoding). MarbleRun derives the same
 * way in spirit; the bytes differ, as Confide never shares key material with MarbleRun.
 */
export async function derivePerMarbleKey(rootSecret: Uint8Array, marble: MarbleBinding, secretName: string, bytes: number): Promise<Uint8Array> {
  const bound = marble.disableSecretBinding ? '' : marble.name;
  const info = utf8(['confide/per-marble-secret/v1', marble.uuid.toLowerCase(), bound, secretName].join('\0'));
  return new Uint8Array(await hkdfAsync('sha256', rootSecret, new Uint8Array(0), info, bytes));
}
