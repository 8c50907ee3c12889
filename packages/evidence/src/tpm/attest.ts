/**
 * TPMS_ATTEST, the structure a TPM signs for TPM2_Quote and TPM2_CertifyCreation (TCG TPM 2.0
 * Library Part 2, section 10.12.12 "TPMS_ATTEST", big-endian). The raw bytes are kept: the
 * signature is checked over exactly them.
 */
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';
import { hashByAlg, type TpmHash } from './algorithms.js';

/** TPM_GENERATED_VALUE (Part 2, Table 7): every structure the TPM itself signs starts with it. */
export const TPM_GENERATED_VALUE = 0xff544347;
/** TPM_ST attestation types (Part 2, Table 19). */
export const TPM_ST = { ATTEST_CERTIFY: 0x8017, ATTEST_QUOTE: 0x8018, ATTEST_CREATION: 0x801a } as const;
/** TPM2B_NAME: a hash algorithm and digest, or a 4-byte handle (Part 2, 10.5.3). */
const MAX_NAME_BYTES = 2 + 64;
/** TPM2B_DATA holds at most a TPMT_HA (Part 2, 10.4.3). */
const MAX_EXTRA_DATA_BYTES = 2 + 64;
/** TPML_PCR_SELECTION holds at most HASH_COUNT selections; a PCR bitmap at most PCR_SELECT_MAX bytes. */
const MAX_PCR_SELECTIONS = 16;
const MAX_PCR_SELECT_BYTES = 4;

/** TPMS_CLOCK_INFO (Part 2, 10.11.1). */
export interface TpmClockInfo {
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: boolean;
}

/** One TPMS_PCR_SELECTION: a bank and the PCR indexes it selects, ascending. */
export interface TpmPcrSelection {
  /** TPM_ALG_ID of the bank. */
  alg: number;
  /** The hash, undefined for a bank Confide does not know. */
  hash: TpmHash | undefined;
  pcrs: number[];
}

interface AttestCommon {
  /** The exact bytes the signature covers. */
  raw: Uint8Array;
  qualifiedSigner: Uint8Array;
  /** The caller's qualifying data (the nonce). */
  extraData: Uint8Array;
  clockInfo: TpmClockInfo;
  firmwareVersion: bigint;
}

/** TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE with its TPMS_QUOTE_INFO. */
export interface TpmQuoteAttest extends AttestCommon {
  type: 'quote';
  pcrSelect: TpmPcrSelection[];
  pcrDigest: Uint8Array;
}

/** TPMS_ATTEST of type TPM_ST_ATTEST_CREATION with its TPMS_CREATION_INFO. */
export interface TpmCreationAttest extends AttestCommon {
  type: 'creation';
  objectName: Uint8Array;
  creationHash: Uint8Array;
}

/** TPMS_ATTEST of type TPM_ST_ATTEST_CERTIFY with its TPMS_CERTIFY_INFO (TPM2_Certify: the AK vouches for another key of the TPM). */
export interface TpmCertifyAttest extends AttestCommon {
  type: 'certify';
  objectName: Uint8Array;
  qualifiedName: Uint8Array;
}

export type TpmAttest = TpmQuoteAttest | TpmCreationAttest | TpmCertifyAttest;

function malformed(what: string, message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${what}: ${message}`);
}

/** A TPM2B_*: u16 size then that many bytes, refused above `max`. */
export function readSized(r: BinaryReader, field: string, max: number): Uint8Array {
  const size = r.u16be(`${field} size`);
  if (size > max) malformed(r.what, `${field} is ${size} bytes, more than ${max}`);
  return r.bytesOf(size, field);
}

/** TPML_PCR_SELECTION (Part 2, 10.9.7). */
function readPcrSelection(r: BinaryReader): TpmPcrSelection[] {
  const count = r.u32be('pcrSelect count');
  if (count > MAX_PCR_SELECTIONS) malformed(r.what, `pcrSelect has ${count} banks, more than ${MAX_PCR_SELECTIONS}`);
  const out: TpmPcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const alg = r.u16be('pcrSelect hash');
    const size = r.u8('sizeofSelect');
    if (size > MAX_PCR_SELECT_BYTES) malformed(r.what, `a PCR bitmap of ${size} bytes, more than ${MAX_PCR_SELECT_BYTES}`);
    const bitmap = r.bytesOf(size, 'pcrSelect');
    const pcrs: number[] = [];
    // Bit n of octet n/8 selects PCR n (Part 2, 10.6.2).
    for (let pcr = 0; pcr < size * 8; pcr++) if (bitmap[pcr >> 3]! & (1 << (pcr & 7))) pcrs.push(pcr);
    if (out.some((s) => s.alg === alg)) malformed(r.what, `bank 0x${alg.toString(16)} is selected twice`);
    out.push({ alg, hash: hashByAlg(alg), pcrs });
  }
  return out;
}

/**
 * Parses a TPMS_ATTEST of a quote, a creation certification or a key certification (TPM2_Certify). Throws ERR_EVIDENCE_MALFORMED
 * (truncated, trailing bytes, wrong magic, sizes out of range), ERR_EVIDENCE_UNSUPPORTED (another
 * attestation type).
 */
export function parseTpmsAttest(bytes: Uint8Array, what = 'TPMS_ATTEST'): TpmAttest {
  const r = new BinaryReader(bytes, what);
  const magic = r.u32be('magic');
  if (magic !== TPM_GENERATED_VALUE) malformed(what, `magic is 0x${magic.toString(16)}, not TPM_GENERATED_VALUE 0xff544347`);
  const type = r.u16be('type');
  const qualifiedSigner = readSized(r, 'qualifiedSigner', MAX_NAME_BYTES);
  const extraData = readSized(r, 'extraData', MAX_EXTRA_DATA_BYTES);
  const clockInfo: TpmClockInfo = {
    clock: r.u64be('clock'),
    resetCount: r.u32be('resetCount'),
    restartCount: r.u32be('restartCount'),
    safe: false,
  };
  const safe = r.u8('safe');
  if (safe > 1) malformed(what, `clockInfo.safe is ${safe}, not a TPMI_YES_NO`);
  clockInfo.safe = safe === 1;
  const firmwareVersion = r.u64be('firmwareVersion');
  const common = { raw: bytes, qualifiedSigner, extraData, clockInfo, firmwareVersion };
  let out: TpmAttest;
  if (type === TPM_ST.ATTEST_QUOTE) {
    const pcrSelect = readPcrSelection(r);
    const pcrDigest = readSized(r, 'pcrDigest', 64);
    out = { type: 'quote', ...common, pcrSelect, pcrDigest };
  } else if (type === TPM_ST.ATTEST_CREATION) {
    const objectName = readSized(r, 'objectName', MAX_NAME_BYTES);
    const creationHash = readSized(r, 'creationHash', 64);
    out = { type: 'creation', ...common, objectName, creationHash };
  } else if (type === TPM_ST.ATTEST_CERTIFY) {
    const objectName = readSized(r, 'name', MAX_NAME_BYTES);
    const qualifiedName = readSized(r, 'qualifiedName', MAX_NAME_BYTES);
    out = { type: 'certify', ...common, objectName, qualifiedName };
  } else {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `${what}: attestation type 0x${type.toString(16)} is not a quote (0x8018), a creation certification (0x801a) or a key certification (0x8017)`);
  }
  if (r.remaining !== 0) malformed(what, `${r.remaining} bytes after the structure`);
  return out;
}
