/**
 * The request-data bindings MAA documents: SHA-256(runtimeData) is the leading 32 bytes of the
 * report data (checked by the verifier, after the signatures), SHA-256(initTimeData) the leading
 * 32 bytes of the SGX CONFIGID, the SEV-SNP HOST_DATA or (Confide's choice) the TDX MRCONFIGID.
 */
import { createHash } from 'node:crypto';
import { ServerError } from '../../errors/index.js';
import type { Claims } from '@confide/evidence';
import type { AttestationType, MaaData } from './types.js';

/** SHA-256 of the data, to pass as the verifier's expected report data. */
export function dataDigest(data: MaaData): Uint8Array {
  return createHash('sha256').update(data.bytes).digest();
}

/** The hex field initTimeData binds to, per type; undefined when the TEE has none. */
function initTimeField(type: AttestationType, claims: Claims): string | undefined {
  if (type === 'Simulated') return undefined;
  switch (claims.tee) {
    case 'sgx':
      return claims.sgx.configId;
    case 'sev-snp':
      return claims.sevSnp.hostData;
    case 'tdx':
      return claims.tdx.mrConfigId;
    case 'tpm':
    case 'sim':
    case 'nvidia':
    case 'azure-cvm':
      return undefined;
  }
}

/** True when the evidence type can bind initTimeData at all. */
export function bindsInitTimeData(type: AttestationType): boolean {
  return type !== 'Simulated' && type !== 'NvidiaGpu' && type !== 'Tpm' && type !== 'AzureGuest';
}

/** Throws ERR_EVIDENCE_BINDING_MISMATCH unless SHA-256(initTimeData) leads the TEE's init-time field. */
export function assertInitTimeBinding(type: AttestationType, claims: Claims, data: MaaData): void {
  const field = initTimeField(type, claims);
  const want = createHash('sha256').update(data.bytes).digest('hex');
  if (field === undefined || field.slice(0, want.length) !== want) {
    throw new ServerError('ERR_EVIDENCE_BINDING_MISMATCH', 'SuppliedInitTimeDataDigest does not match the init-time data field of the evidence', {
      details: { field: 'initTimeData' },
    });
  }
}
