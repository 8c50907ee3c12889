/** Parses simulated evidence into a view that keeps the raw and the signed bytes. */
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';
import { SIM_FLAG_DEBUG, SIM_FLAGS_RESERVED, SIM_OFFSET, SIM_SIZE, SIM_VERSION, hasSimMagic } from './layout.js';

const WHAT = 'simulated evidence';

/** A parsed simulated evidence blob; every byte field is a view into `raw`. */
export interface SimEvidence {
  raw: Uint8Array;
  version: number;
  /** SHA-256 of the signing key's SPKI DER. */
  keyId: Uint8Array;
  measurement: Uint8Array;
  signer: Uint8Array;
  productId: number;
  svn: number;
  debug: boolean;
  /** When the evidence was made, Unix milliseconds. */
  issuedAtMs: number;
  reportData: Uint8Array;
  /** ECDSA P-256 r || s, big-endian. */
  signature: Uint8Array;
  /** The exact bytes the signature covers: header and body. */
  signed: Uint8Array;
}

/**
 * Parses version-1 simulated evidence (exactly 256 bytes). Throws ERR_EVIDENCE_MALFORMED (no
 * magic, truncated, trailing bytes, reserved bits set, timestamp out of range) and
 * ERR_EVIDENCE_UNSUPPORTED (another version).
 */
export function parseSimEvidence(bytes: Uint8Array): SimEvidence {
  if (!hasSimMagic(bytes)) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${WHAT}: does not start with "CONFIDE-SIM"`);
  const at = (offset: number): BinaryReader => new BinaryReader(bytes, WHAT, offset);
  const version = at(SIM_OFFSET.VERSION).u8('version');
  if (version !== SIM_VERSION) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `${WHAT}: version ${version} is not supported; version ${SIM_VERSION} is`);
  }
  if (bytes.length > SIM_SIZE.TOTAL) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${WHAT}: ${bytes.length} bytes, ${bytes.length - SIM_SIZE.TOTAL} after the signature`);
  }
  // Read the last field first, so that a short blob fails on one clear "truncated" message.
  const signature = at(SIM_OFFSET.SIGNATURE).bytesOf(SIM_SIZE.SIGNATURE, 'signature');
  const flags = at(SIM_OFFSET.FLAGS).u8('flags');
  if (flags & SIM_FLAGS_RESERVED) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${WHAT}: reserved flag bits are set (0x${flags.toString(16)})`);
  const reserved = at(SIM_OFFSET.RESERVED).bytesOf(SIM_SIZE.RESERVED, 'reserved');
  if (reserved.some((b) => b !== 0)) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${WHAT}: reserved bytes are not zero`);
  const issuedAt = at(SIM_OFFSET.ISSUED_AT).u64('issued at');
  // Date's range is +-8.64e15 ms; anything later cannot be shown as a time.
  if (issuedAt > 8_640_000_000_000_000n) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${WHAT}: issued-at time ${issuedAt} ms is out of range`);
  return {
    raw: bytes,
    version,
    keyId: at(SIM_OFFSET.KEY_ID).bytesOf(SIM_SIZE.KEY_ID, 'key id'),
    measurement: at(SIM_OFFSET.MEASUREMENT).bytesOf(SIM_SIZE.MEASUREMENT, 'measurement'),
    signer: at(SIM_OFFSET.SIGNER).bytesOf(SIM_SIZE.SIGNER, 'signer'),
    productId: at(SIM_OFFSET.PRODUCT_ID).u16('product id'),
    svn: at(SIM_OFFSET.SVN).u16('svn'),
    debug: (flags & SIM_FLAG_DEBUG) !== 0,
    issuedAtMs: Number(issuedAt),
    reportData: at(SIM_OFFSET.REPORT_DATA).bytesOf(SIM_SIZE.REPORT_DATA, 'report data'),
    signature,
    signed: bytes.subarray(0, SIM_SIZE.SIGNED),
  };
}
