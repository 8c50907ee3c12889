/** `attestation.tpmRoots`: the AK certificate roots TPM evidence is judged against, read and checked at start. */
import { isConfideError } from '@confide/core';
import { parseTpmCertificate } from '@confide/evidence';
import type { Config } from '../config/schema.js';
import { ServerError } from '../errors/index.js';
import { certificatesIn } from '../evidence-files/trust-anchor-files.js';
import { readSettingFile } from './setting-file.js';

const SETTING = 'attestation.tpmRoots';

function invalid(path: string, reason: string, cause?: unknown): ServerError {
  return new ServerError('ERR_CONFIG_INVALID', `${SETTING}: ${path} ${reason}`, { details: { key: SETTING, path }, ...(cause ? { cause } : {}) });
}

/**
 * DER roots from every file the setting names (PEM with one or more certificates, or DER); undefined
 * when none is set. Each must be a certificate the TPM verifier reads, so a bad file stops the start
 * rather than every TPM request. Throws ERR_CONFIG_INVALID naming the setting and the file.
 */
export function tpmRootsFromConfig(config: Config): Uint8Array[] | undefined {
  const paths = config.attestation.tpmRoots;
  if (paths === undefined || paths.length === 0) return undefined;
  return paths.flatMap((path) => {
    let ders: Uint8Array[];
    try {
      ders = certificatesIn(readSettingFile(SETTING, path));
    } catch (err) {
      if (isConfideError(err, 'ERR_CONFIG_INVALID')) throw err;
      throw invalid(path, 'is not a PEM or DER certificate', err);
    }
    for (const der of ders) {
      try {
        parseTpmCertificate(der, 'ERR_CONFIG_INVALID');
      } catch (err) {
        throw invalid(path, `holds a certificate the TPM verifier cannot use (${(err as Error).message})`, err);
      }
    }
    return ders;
  });
}
