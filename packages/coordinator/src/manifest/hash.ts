/** The manifest fingerprint MarbleRun reports: SHA-256 of the exact bytes that were set. */
import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of the manifest bytes (a string is hashed as UTF-8, unchanged: no re-serialization). */
export function manifestHash(manifest: string | Uint8Array): string {
  return createHash('sha256').update(manifest).digest('hex');
}
