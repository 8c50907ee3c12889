/**
 * The Azure HCL report: the paravisor's header, the hardware report (an SEV-SNP report, or a TDX
 * TDREPORT padded to the SNP size), and the IGVM request data whose runtime data (a JSON
 * document with the vTPM's keys and the VM configuration) the hardware report binds by its
 * SHA-256 in report_data[0:32]. The view keeps the exact bytes of each part.
 */
import { isAllZero } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { readU32 } from '../binary-reader.js';
import {
  HASH_TYPE_SHA256,
  HCL_HEADER,
  HCL_MAGIC,
  HW_REPORT_BYTES,
  HW_REPORT_OFFSET,
  IGVM,
  MAX_HCL_REPORT_BYTES,
  REPORT_TYPE,
  SNP_REPORT_BYTES,
  TD_REPORT_BYTES,
} from './layout.js';

export type HclHardware = 'sev-snp' | 'tdx';

export interface HclReport {
  /** The report as given (an NV index read may leave zero padding after `reportSize` bytes). */
  raw: Uint8Array;
  /** The header's version (1 on the SNP vectors, 2 on the TDX ones). */
  version: number;
  requestType: number;
  hardware: HclHardware;
  /** The hardware report: the 1184-byte SNP report, or the 1024-byte TDREPORT. */
  hardwareReport: Uint8Array;
  hardwareRange: { start: number; end: number };
  /** IGVM_REQUEST_DATA version. */
  igvmVersion: number;
  /** The runtime data's exact bytes: what report_data[0:32] hashes. */
  runtimeData: Uint8Array;
  runtimeDataRange: { start: number; end: number };
}

/** Header values Azure writes (HCL header version 1 on SNP, 2 on TDX; request type 2; IGVM request data version 1). */
const KNOWN = { HEADER_VERSIONS: [1, 2], REQUEST_TYPE: 2, IGVM_VERSION: 1 } as const;

function unsupported(what: string, field: string): never {
  throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `Azure HCL report: ${what} is not one Azure is known to write`, { details: { field } });
}

function malformed(message: string, field: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `Azure HCL report: ${message}`, { details: { field } });
}

/** True when `bytes` starts with the HCL report's "HCLA" signature. */
export function hasHclMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && readU32(bytes, HCL_HEADER.SIGNATURE) === HCL_MAGIC;
}

/**
 * Parses an Azure HCL report. The header and the IGVM request header are signed by nothing, so
 * they must agree with each other exactly, and every byte nothing covers (the TDREPORT's padding,
 * the NV index's tail) must be zero: unsigned bytes may not carry anything.
 * Throws ERR_EVIDENCE_MALFORMED (signature, sizes, padding; details.field names the part) and
 * ERR_EVIDENCE_UNSUPPORTED (report type other than SNP (2) or TDX (4), hash type other than SHA-256,
 * a header version, request type or IGVM version Azure is not known to write).
 */
export function parseHclReport(bytes: Uint8Array): HclReport {
  if (bytes.length > MAX_HCL_REPORT_BYTES) malformed(`${bytes.length} bytes, more than ${MAX_HCL_REPORT_BYTES}`, 'size');
  if (!hasHclMagic(bytes)) malformed('no "HCLA" signature', 'header.signature');
  if (bytes.length < IGVM.RUNTIME_DATA) malformed(`truncated: ${bytes.length} bytes, the fixed part is ${IGVM.RUNTIME_DATA}`, 'size');
  const reportSize = readU32(bytes, HCL_HEADER.REPORT_SIZE);
  const dataSize = readU32(bytes, IGVM.DATA_SIZE);
  const varSize = readU32(bytes, IGVM.VARIABLE_DATA_SIZE);
  const type = readU32(bytes, IGVM.REPORT_TYPE);
  if (readU32(bytes, HCL_HEADER.STATUS) !== 0) malformed(`status ${readU32(bytes, HCL_HEADER.STATUS)} is not 0 (success)`, 'header.status');
  if (!isAllZero(bytes.subarray(HCL_HEADER.RESERVED, HCL_HEADER.BYTES))) malformed('reserved header bytes are not zero', 'header.reserved');
  if (dataSize !== IGVM.HEADER_BYTES + varSize) malformed(`data_size ${dataSize} is not 20 + variable_data_size ${varSize}`, 'igvm.dataSize');
  if (reportSize !== IGVM.OFFSET + dataSize) malformed(`report_size ${reportSize} is not ${IGVM.OFFSET} + data_size ${dataSize}`, 'header.reportSize');
  if (reportSize > bytes.length) malformed(`report_size ${reportSize} exceeds the ${bytes.length} bytes given`, 'header.reportSize');
  if (!isAllZero(bytes.subarray(reportSize))) malformed('bytes after report_size are not zero', 'padding');
  if (type !== REPORT_TYPE.SNP && type !== REPORT_TYPE.TDX) unsupported(`hardware report type ${type} (2 is SEV-SNP, 4 TDX)`, 'igvm.reportType');
  const hashType = readU32(bytes, IGVM.HASH_TYPE);
  if (hashType !== HASH_TYPE_SHA256) unsupported(`runtime data hash type ${hashType} (1 is SHA-256)`, 'igvm.hashType');
  // Nothing signs these either: only the values Azure is known to write are taken.
  const version = readU32(bytes, HCL_HEADER.VERSION);
  const requestType = readU32(bytes, HCL_HEADER.REQUEST_TYPE);
  const igvmVersion = readU32(bytes, IGVM.VERSION);
  if (!(KNOWN.HEADER_VERSIONS as readonly number[]).includes(version)) unsupported(`header version ${version}`, 'header.version');
  if (requestType !== KNOWN.REQUEST_TYPE) unsupported(`request type ${requestType}`, 'header.requestType');
  if (igvmVersion !== KNOWN.IGVM_VERSION) unsupported(`IGVM request data version ${igvmVersion}`, 'igvm.version');
  const hardware: HclHardware = type === REPORT_TYPE.SNP ? 'sev-snp' : 'tdx';
  const hwBytes = hardware === 'sev-snp' ? SNP_REPORT_BYTES : TD_REPORT_BYTES;
  if (!isAllZero(bytes.subarray(HW_REPORT_OFFSET + hwBytes, HW_REPORT_OFFSET + HW_REPORT_BYTES))) malformed('the TDREPORT\'s padding is not zero', 'hardwareReport.padding');
  const end = IGVM.RUNTIME_DATA + varSize;
  return {
    raw: bytes,
    version,
    requestType,
    hardware,
    hardwareReport: bytes.subarray(HW_REPORT_OFFSET, HW_REPORT_OFFSET + hwBytes),
    hardwareRange: { start: HW_REPORT_OFFSET, end: HW_REPORT_OFFSET + hwBytes },
    igvmVersion,
    runtimeData: bytes.subarray(IGVM.RUNTIME_DATA, end),
    runtimeDataRange: { start: IGVM.RUNTIME_DATA, end },
  };
}
