/**
 * SGX evidence through Gramine's /dev/attestation pseudo-files (Gramine docs, "Low-level
 * /dev/attestation interface"): write the 64-byte report data to `user_report_data`, then read
 * the DCAP quote from `quote`. `attestation_type` says which scheme the manifest enabled.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LauncherError } from '../errors.js';
import { teeFileError, writePseudoFile } from './errors.js';
import type { Evidence, EvidenceSource } from './types.js';

export const GRAMINE_ATTESTATION_DIR = '/dev/attestation';
const WHAT = 'Gramine attestation';

async function attestationType(root: string): Promise<string | undefined> {
  const path = join(root, 'attestation_type');
  try {
    return (await readFile(path, 'utf8')).replace(/\0+$/, '').trim();
  } catch (err) {
    // Older Gramine has no attestation_type file; the quote read below tells.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw teeFileError(WHAT, path, err);
  }
}

/** The Gramine source; `root` stands in for /dev/attestation in tests. Throws ERR_TEE_UNAVAILABLE. */
export function gramineSource(root = GRAMINE_ATTESTATION_DIR): EvidenceSource {
  return {
    name: `Gramine ${root}`,
    async obtain(reportData: Uint8Array): Promise<Evidence> {
      const type = await attestationType(root);
      if (type === 'none') {
        throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: the Gramine manifest enables no remote attestation (attestation_type "none"); set sgx.remote_attestation = "dcap"`);
      }
      if (type !== undefined && type !== 'dcap') {
        throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: attestation type "${type}" is not supported; set sgx.remote_attestation = "dcap"`);
      }
      const reportDataPath = join(root, 'user_report_data');
      try {
        await writePseudoFile(reportDataPath, reportData);
      } catch (err) {
        throw teeFileError(WHAT, reportDataPath, err);
      }
      const quotePath = join(root, 'quote');
      let quote: Buffer;
      try {
        quote = await readFile(quotePath);
      } catch (err) {
        throw teeFileError(WHAT, quotePath, err);
      }
      if (quote.length === 0) throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: ${quotePath} returned no quote`);
      return { tee: 'sgx', bytes: new Uint8Array(quote) };
    },
  };
}
