/**
 * TPMT_SIGNATURE (TCG TPM 2.0 Library Part 2, section 11.3.4, big-endian): the signature scheme,
 * its hash and the signature: one RSA value for RSASSA and RSAPSS, r and s for ECDSA.
 */
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';
import { TPM_ALG, requireHash, type TpmHash } from './algorithms.js';
import { readSized } from './attest.js';

/** RSA signatures up to 8192-bit keys; ECC parameters up to P-521 (66 bytes). */
const MAX_RSA_SIGNATURE_BYTES = 1024;
const MAX_ECC_PARAMETER_BYTES = 66;

export type TpmSignature =
  | { scheme: 'rsassa' | 'rsapss'; hash: TpmHash; signature: Uint8Array }
  | { scheme: 'ecdsa'; hash: TpmHash; r: Uint8Array; s: Uint8Array };

/**
 * Parses a TPMT_SIGNATURE. Throws ERR_EVIDENCE_MALFORMED (truncated, trailing bytes, sizes out
 * of range), ERR_EVIDENCE_UNSUPPORTED (another scheme or hash).
 */
export function parseTpmtSignature(bytes: Uint8Array, what = 'TPMT_SIGNATURE'): TpmSignature {
  const r = new BinaryReader(bytes, what);
  const sigAlg = r.u16be('sigAlg');
  let out: TpmSignature;
  if (sigAlg === TPM_ALG.RSASSA || sigAlg === TPM_ALG.RSAPSS) {
    const hash = requireHash(r.u16be('hash'), what);
    const signature = readSized(r, 'sig', MAX_RSA_SIGNATURE_BYTES);
    out = { scheme: sigAlg === TPM_ALG.RSASSA ? 'rsassa' : 'rsapss', hash, signature };
  } else if (sigAlg === TPM_ALG.ECDSA) {
    const hash = requireHash(r.u16be('hash'), what);
    const sr = readSized(r, 'signatureR', MAX_ECC_PARAMETER_BYTES);
    const ss = readSized(r, 'signatureS', MAX_ECC_PARAMETER_BYTES);
    out = { scheme: 'ecdsa', hash, r: sr, s: ss };
  } else {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `${what}: signature scheme 0x${sigAlg.toString(16).padStart(4, '0')} is not RSASSA, RSAPSS or ECDSA`);
  }
  if (r.remaining !== 0) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${what}: ${r.remaining} bytes after the structure`);
  return out;
}
