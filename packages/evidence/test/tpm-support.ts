/** Shared inputs of the TPM tests: the real vectors' parts (../shared/vectors/tpm, see its README "TPM 2.0"). */
import { fixedClock } from '@confide/core';
import { emptyCollateral, type TpmEvidenceParts, type VerifyContext } from '../src/index.js';
import { at, vector, vectorText } from '@confide/test-kit/vectors';

/** 2026-06-01: inside the GCE AK certificate's validity (2021-08-31 to 2051). */
export const TPM_PIN = 1780272000;

export const GCE_DIR = 'tpm/google-go-tpm-tools';
export const GCE_ROOT = `${GCE_DIR}/tpm_ek_root_1.cer`;
export const GCE_INTERMEDIATE = `${GCE_DIR}/tpm_ek_intermediate_2.crt`;
export const STANDALONE_LOGS = [
  'tpm/google-go-attestation/crypto_agile_eventlog',
  'tpm/google-go-attestation/sb_cert_eventlog',
  'tpm/google-go-attestation/ubuntu_2104_shielded_vm_no_secure_boot_eventlog',
  `${GCE_DIR}/ubuntu-2404-amd-sevsnp.bin`,
  `${GCE_DIR}/cos-101-amd-sev.bin`,
  `${GCE_DIR}/rhel8-uefi.bin`,
];

interface DecodedQuote {
  hash_alg: string;
  tpms_attest: string;
  tpmt_signature: string;
  pcrs: Record<string, string>;
}

/** The parts of a GCE COS 85 attestation from its derived split (`decoded-gce-cos-85-<name>/`). */
export function gceParts(name: 'no-nonce' | 'nonce9009', withChain = true): TpmEvidenceParts {
  const dir = `${GCE_DIR}/decoded-gce-cos-85-${name}`;
  const decoded = JSON.parse(vectorText(`${dir}/decoded.json`)) as { quotes: DecodedQuote[] };
  return {
    quotes: decoded.quotes.map((q) => ({ quote: vector(`${dir}/${q.tpms_attest}`), signature: vector(`${dir}/${q.tpmt_signature}`) })),
    ak: vector(`${dir}/ak_pub.tpm2b_public_area.bin`),
    pcrs: Object.fromEntries(decoded.quotes.map((q) => [q.hash_alg, q.pcrs])),
    eventLog: vector(`${dir}/event_log.bin`),
    ...(withChain ? { akCertificates: [vector(`${dir}/ak_cert.der`), vector(GCE_INTERMEDIATE)] } : {}),
  };
}

/** A context at the pinned time with the GCE root as the only TPM root. */
export function tpmContext(extra: Partial<VerifyContext> = {}): VerifyContext {
  return { clock: fixedClock(at(TPM_PIN)), collateral: emptyCollateral, trustAnchors: { tpmRoots: [vector(GCE_ROOT)] }, ...extra };
}

/** Offset of the first event of `type` in PCR `pcr` of a crypto-agile log (after the Spec ID event). */
export function findEvent(log: Uint8Array, pcr: number, type: number, nth = 0): { offset: number; dataOffset: number } {
  const dv = new DataView(log.buffer, log.byteOffset, log.byteLength);
  let o = 32 + dv.getUint32(28, true);
  const sizes: Record<number, number> = { 4: 20, 11: 32, 12: 48 };
  let seen = 0;
  while (o < log.length) {
    const start = o;
    const p = dv.getUint32(o, true);
    const t = dv.getUint32(o + 4, true);
    const n = dv.getUint32(o + 8, true);
    o += 12;
    for (let i = 0; i < n; i++) o += 2 + sizes[dv.getUint16(o, true)]!;
    const size = dv.getUint32(o, true);
    const dataOffset = o + 4;
    o = dataOffset + size;
    if (p === pcr && t === type && seen++ === nth) return { offset: start, dataOffset };
  }
  throw new Error('event not found');
}
