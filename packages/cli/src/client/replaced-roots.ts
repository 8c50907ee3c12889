/**
 * `--roots <dir>`: vendor roots that replace the pinned Intel, AMD and NVIDIA ones, for a private
 * PKI in tests. Production trusts the pinned roots only, so there the flag is refused.
 */
import type { TrustAnchors } from '@confide/evidence';
import { readTrustAnchors } from '@confide/server/evidence-files';
import { CliError } from '../errors.js';

/** The trust anchors in `dir`, or undefined without the flag. Throws ERR_PRODUCTION_REFUSED, ERR_INPUT_UNREADABLE. */
export async function replacedRoots(dir: string | undefined, mode: string): Promise<TrustAnchors | undefined> {
  if (dir === undefined) return undefined;
  if (mode === 'production') throw new CliError('ERR_PRODUCTION_REFUSED', '--roots: replacing the pinned vendor roots is refused in production mode');
  return readTrustAnchors(dir);
}

export const ROOTS_HELP = 'replace the pinned vendor roots with the certificates in this directory (testing only; refused in production mode)';
