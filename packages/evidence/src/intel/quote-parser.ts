/**
 * Parses Intel DCAP ECDSA quotes: v3 (SGX), v4 (SGX, TDX 1.0) and v5 (TDX 1.5), after the
 * Intel TDX DCAP Quote Generation Library and Quote Verification Library API, appendix
 * "Quote Format" (tables "Quote Header", "Enclave Report Body", "TD Quote Body",
 * "Quote Signature Data", "QE Report Certification Data").
 */
import { isAllZero } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { BinaryReader, readU16, readU32, readU64 } from '../binary-reader.js';
import type { IntelQuote, IntelQuoteBody, IntelQuoteHeader, QeCertification, SgxReportBody, TdReportBody } from './quote-types.js';

// Open Enclave SDK wrapper in front of the quote: version u32 = 1, type u32 = 2 (remote), size u64.
const OE_HEADER_SIZE = 16;
const OE_HEADER_VERSION = 1;
const OE_REPORT_TYPE_REMOTE = 2;

// Quote Header table: 48 bytes.
const HEADER_SIZE = 48;
const HDR_VERSION = 0;
const HDR_ATT_KEY_TYPE = 2;
const HDR_TEE_TYPE = 4;
const HDR_QE_SVN = 8; // v3 only
const HDR_PCE_SVN = 10; // v3 only
const HDR_QE_VENDOR_ID = 12;
const HDR_USER_DATA = 28;

const ATT_KEY_ECDSA_P256 = 2;
export const TEE_TYPE_SGX = 0x00;
export const TEE_TYPE_TDX = 0x81;

// Body sizes: Enclave Report Body, TD Quote Body 1.0 and 1.5.
const SGX_REPORT_SIZE = 384;
const TD10_REPORT_SIZE = 584;
const TD15_REPORT_SIZE = 648;

// v5 body descriptor after the header: type u16, size u32 (table "Quote Body Descriptor").
const BODY_TYPE_SGX = 1;
const BODY_TYPE_TD10 = 2;
const BODY_TYPE_TD15 = 3;

// Enclave Report Body offsets.
const ER_CPU_SVN = 0;
const ER_MISCSELECT = 16;
const ER_ISV_EXT_PROD_ID = 32;
const ER_ATTRIBUTES = 48;
const ER_MRENCLAVE = 64;
const ER_MRSIGNER = 128;
const ER_CONFIG_ID = 192;
const ER_ISV_PROD_ID = 256;
const ER_ISV_SVN = 258;
const ER_CONFIG_SVN = 260;
const ER_ISV_FAMILY_ID = 304;
const ER_REPORT_DATA = 320;

// TD Quote Body offsets (1.0; 1.5 appends TEE_TCB_SVN_2 and MRSERVICETD).
const TD_TEE_TCB_SVN = 0;
const TD_MRSEAM = 16;
const TD_MRSIGNERSEAM = 64;
const TD_SEAM_ATTRIBUTES = 112;
const TD_TD_ATTRIBUTES = 120;
const TD_XFAM = 128;
const TD_MRTD = 136;
const TD_MRCONFIGID = 184;
const TD_MROWNER = 232;
const TD_MROWNERCONFIG = 280;
const TD_RTMR0 = 328;
const TD_REPORT_DATA = 520;
const TD_TEE_TCB_SVN_2 = 584;
const TD_MRSERVICETD = 600;

// Certification data types (table "Certification Data Type").
const CERT_DATA_PCK_CHAIN = 5;
const CERT_DATA_QE_REPORT = 6;

const ECDSA_SIG_SIZE = 64;
const ECDSA_KEY_SIZE = 64;

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', message);
}

/**
 * Throws ERR_EVIDENCE_MALFORMED when `r` has bytes left: bytes after a structure's declared end
 * are covered by no signature, so they could change nothing but the quote's bytes (and a hash of
 * them); they are refused rather than ignored.
 */
function assertConsumed(r: BinaryReader, what: string): void {
  if (r.remaining !== 0) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${r.remaining} trailing byte(s) after the ${what}`, { details: { trailingBytes: r.remaining } });
  }
}

/**
 * Throws ERR_EVIDENCE_MALFORMED unless `tail`, the bytes after a quote (or its Open Enclave
 * wrapper), is all zero. Quote generators hand out fixed-size buffers (real TDX quotes from GCP,
 * Azure and dstack carry 70 or 3,065 zero bytes after the quote), so zero padding is dropped, but
 * anything else there is refused: it is covered by no signature.
 */
function assertZeroPadding(tail: Uint8Array, what: string): void {
  if (!isAllZero(tail)) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${tail.length} trailing byte(s) after ${what}, not all zero`, { details: { trailingBytes: tail.length } });
  }
}

function unsupported(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', message);
}

/** Removes the Open Enclave SDK's 16-byte header when present. Throws ERR_EVIDENCE_MALFORMED. */
function stripOpenEnclaveHeader(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4 || readU32(bytes, 0) !== OE_HEADER_VERSION) return bytes;
  if (bytes.length < OE_HEADER_SIZE) malformed('Open Enclave header truncated');
  if (readU32(bytes, 4) !== OE_REPORT_TYPE_REMOTE) unsupported('Open Enclave report is not a remote report');
  const size = readU64(bytes, 8);
  if (size > BigInt(bytes.length - OE_HEADER_SIZE)) malformed('Open Enclave header size exceeds the data');
  const end = OE_HEADER_SIZE + Number(size);
  assertZeroPadding(bytes.subarray(end), 'the Open Enclave report');
  return bytes.subarray(OE_HEADER_SIZE, end);
}

/** Parses an SGX enclave report body (384 bytes at `bytes`). */
function parseSgxReportBody(raw: Uint8Array): SgxReportBody {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const at = (o: number, n: number) => raw.subarray(o, o + n);
  return {
    raw,
    cpuSvn: at(ER_CPU_SVN, 16),
    miscselect: view.getUint32(ER_MISCSELECT, true),
    isvExtProdId: at(ER_ISV_EXT_PROD_ID, 16),
    attributes: at(ER_ATTRIBUTES, 16),
    mrenclave: at(ER_MRENCLAVE, 32),
    mrsigner: at(ER_MRSIGNER, 32),
    configId: at(ER_CONFIG_ID, 64),
    isvProdId: view.getUint16(ER_ISV_PROD_ID, true),
    isvSvn: view.getUint16(ER_ISV_SVN, true),
    configSvn: view.getUint16(ER_CONFIG_SVN, true),
    isvFamilyId: at(ER_ISV_FAMILY_ID, 16),
    reportData: at(ER_REPORT_DATA, 64),
  };
}

/** Parses a TD report body of 584 (TD 1.0) or 648 (TD 1.5) bytes. */
function parseTdReportBody(raw: Uint8Array): TdReportBody {
  const at = (o: number, n: number) => raw.subarray(o, o + n);
  const body: TdReportBody = {
    raw,
    teeTcbSvn: at(TD_TEE_TCB_SVN, 16),
    mrSeam: at(TD_MRSEAM, 48),
    mrSignerSeam: at(TD_MRSIGNERSEAM, 48),
    seamAttributes: at(TD_SEAM_ATTRIBUTES, 8),
    tdAttributes: at(TD_TD_ATTRIBUTES, 8),
    xfam: at(TD_XFAM, 8),
    mrTd: at(TD_MRTD, 48),
    mrConfigId: at(TD_MRCONFIGID, 48),
    mrOwner: at(TD_MROWNER, 48),
    mrOwnerConfig: at(TD_MROWNERCONFIG, 48),
    rtmrs: [at(TD_RTMR0, 48), at(TD_RTMR0 + 48, 48), at(TD_RTMR0 + 96, 48), at(TD_RTMR0 + 144, 48)],
    reportData: at(TD_REPORT_DATA, 64),
  };
  if (raw.length >= TD15_REPORT_SIZE) {
    body.teeTcbSvn2 = at(TD_TEE_TCB_SVN_2, 16);
    body.mrServiceTd = at(TD_MRSERVICETD, 48);
  }
  return body;
}

function parseHeader(raw: Uint8Array): IntelQuoteHeader {
  if (raw.length < HEADER_SIZE) malformed(`Intel quote truncated: header needs ${HEADER_SIZE} bytes, ${raw.length} present`);
  return {
    version: readU16(raw, HDR_VERSION),
    attestationKeyType: readU16(raw, HDR_ATT_KEY_TYPE),
    teeType: readU32(raw, HDR_TEE_TYPE),
    qeSvn: readU16(raw, HDR_QE_SVN),
    pceSvn: readU16(raw, HDR_PCE_SVN),
    qeVendorId: raw.subarray(HDR_QE_VENDOR_ID, HDR_QE_VENDOR_ID + 16),
    userData: raw.subarray(HDR_USER_DATA, HDR_USER_DATA + 20),
  };
}

function parseBody(r: BinaryReader, header: IntelQuoteHeader): IntelQuoteBody {
  const { version, teeType } = header;
  if (version === 3 || version === 4) {
    if (teeType === TEE_TYPE_TDX) {
      if (version === 3) malformed('a v3 quote cannot carry a TD report');
      return { kind: 'tdx', bodyType: BODY_TYPE_TD10, report: parseTdReportBody(r.bytesOf(TD10_REPORT_SIZE, 'TD report body')) };
    }
    return { kind: 'sgx', bodyType: 0, report: parseSgxReportBody(r.bytesOf(SGX_REPORT_SIZE, 'enclave report body')) };
  }
  const bodyType = r.u16('body type');
  const size = r.u32('body size');
  const expected = bodyType === BODY_TYPE_SGX ? SGX_REPORT_SIZE : bodyType === BODY_TYPE_TD10 ? TD10_REPORT_SIZE : bodyType === BODY_TYPE_TD15 ? TD15_REPORT_SIZE : undefined;
  if (expected === undefined) unsupported(`quote body type ${bodyType} is not supported`);
  if (size !== expected) malformed(`quote body type ${bodyType} has size ${size}, expected ${expected}`);
  const raw = r.bytesOf(size, 'quote body');
  if (bodyType === BODY_TYPE_SGX) {
    if (teeType !== TEE_TYPE_SGX) malformed('SGX body in a quote whose TEE type is not SGX');
    return { kind: 'sgx', bodyType, report: parseSgxReportBody(raw) };
  }
  if (teeType !== TEE_TYPE_TDX) malformed('TD body in a quote whose TEE type is not TDX');
  return { kind: 'tdx', bodyType, report: parseTdReportBody(raw) };
}

function parsePckChainData(r: BinaryReader): { certDataType: number; pckChainPem: Uint8Array } {
  const certDataType = r.u16('certification data type');
  const size = r.u32('certification data size');
  const data = r.bytesOf(size, 'certification data');
  if (certDataType !== CERT_DATA_PCK_CHAIN) unsupported(`certification data type ${certDataType} is not supported (need 5, PCK chain)`);
  return { certDataType, pckChainPem: data };
}

function parseQeReportAndChain(r: BinaryReader): QeCertification {
  const qeReport = parseSgxReportBody(r.bytesOf(SGX_REPORT_SIZE, 'QE report'));
  const qeReportSignature = r.bytesOf(ECDSA_SIG_SIZE, 'QE report signature');
  const authSize = r.u16('QE auth data size');
  const qeAuthData = r.bytesOf(authSize, 'QE auth data');
  const chain = parsePckChainData(r);
  assertConsumed(r, 'certification data');
  return { qeReport, qeReportSignature, qeAuthData, ...chain };
}

/**
 * Parses an Intel DCAP ECDSA quote, stripping an Open Enclave header if present.
 * Throws ERR_EVIDENCE_MALFORMED (truncated, inconsistent, bytes left in the signature data or
 * certification data after their declared parts, non-zero bytes after the quote) and ERR_EVIDENCE_UNSUPPORTED
 * (unknown version, attestation key type, TEE type, body type or certification data type).
 */
export function parseIntelQuote(input: Uint8Array): IntelQuote {
  const raw = stripOpenEnclaveHeader(input);
  const header = parseHeader(raw);
  const r = new BinaryReader(raw, 'Intel quote', HEADER_SIZE);
  if (header.version !== 3 && header.version !== 4 && header.version !== 5) unsupported(`quote version ${header.version} is not supported`);
  if (header.attestationKeyType !== ATT_KEY_ECDSA_P256) unsupported(`attestation key type ${header.attestationKeyType} is not ECDSA-P256`);
  if (header.version >= 4 && header.teeType !== TEE_TYPE_SGX && header.teeType !== TEE_TYPE_TDX) {
    unsupported(`TEE type 0x${header.teeType.toString(16)} is not supported`);
  }
  const body = parseBody(r, header);
  const signedRange = raw.subarray(0, r.offset);

  const sigDataSize = r.u32('signature data size');
  const sig = new BinaryReader(r.bytesOf(sigDataSize, 'signature data'), 'Intel quote signature data');
  const signature = sig.bytesOf(ECDSA_SIG_SIZE, 'quote signature');
  const attestationKey = sig.bytesOf(ECDSA_KEY_SIZE, 'attestation key');
  let qe: QeCertification;
  if (header.version === 3) {
    qe = parseQeReportAndChain(sig);
  } else {
    const outerType = sig.u16('certification data type');
    const outerSize = sig.u32('certification data size');
    const outer = new BinaryReader(sig.bytesOf(outerSize, 'certification data'), 'QE report certification data');
    if (outerType !== CERT_DATA_QE_REPORT) unsupported(`certification data type ${outerType} is not supported (need 6, QE report)`);
    qe = parseQeReportAndChain(outer);
    assertConsumed(sig, 'QE report certification data');
  }
  // The quote is exactly its declared structures: zero padding after it is not part of it.
  assertZeroPadding(raw.subarray(r.offset), 'the quote');
  return {
    raw: raw.subarray(0, r.offset),
    version: header.version,
    tee: body.kind,
    header,
    body,
    signedRange,
    signature,
    attestationKey,
    qe,
  };
}
