/**
 * The vTPM quote as az-cvm-vtpm's `vtpm::Quote` serializes it with bincode (Trustee's v0
 * evidence and `quote.bin`): u64 LE length then the signature, u64 LE length then the
 * TPMS_ATTEST message, u64 LE count then that many 32-byte SHA-256 PCR values from PCR 0.
 */
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';

const PCR_BYTES = 32;
const MAX_PART = 64 * 1024;
const MAX_PCRS = 32;

export interface VtpmQuote {
  signature: Uint8Array;
  message: Uint8Array;
  pcrs: Uint8Array[];
}

function length(r: BinaryReader, field: string, max: number): number {
  const n = r.u64(field);
  if (n > BigInt(max)) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `vTPM quote (bincode): ${field} ${n} exceeds ${max}`, { details: { field } });
  return Number(n);
}

/** Reads a bincode vTPM quote. Throws ERR_EVIDENCE_MALFORMED (truncated, oversized, trailing bytes). */
export function parseVtpmQuoteBincode(bytes: Uint8Array): VtpmQuote {
  const r = new BinaryReader(bytes, 'vTPM quote (bincode)');
  const signature = r.bytesOf(length(r, 'signature length', MAX_PART), 'signature');
  const message = r.bytesOf(length(r, 'message length', MAX_PART), 'message');
  const count = length(r, 'PCR count', MAX_PCRS);
  const pcrs = Array.from({ length: count }, (_, i) => r.bytesOf(PCR_BYTES, `PCR ${i}`));
  if (r.remaining !== 0) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `vTPM quote (bincode): ${r.remaining} bytes after the PCRs`, { details: { field: 'trailing' } });
  return { signature, message, pcrs };
}
