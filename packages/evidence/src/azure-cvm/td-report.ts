/**
 * The TDREPORT inside a TDX HCL report, and its binding to the TD quote. The TDREPORT's MAC can
 * be checked only on the platform that made it; off the platform the TD quote is what vouches
 * for it. So every field the quote carries must equal the TDREPORT's (report data, TEE_TCB_INFO's
 * SVN, MRSEAM, MRSIGNERSEAM and attributes, all of TDINFO's measurements), and the two digests
 * inside REPORTMACSTRUCT must be the SHA-384 of the structures they name, so that no byte of
 * TEE_TCB_INFO or TDINFO differs from what the quote's TD was.
 */
import { digest, isAllZero, timingSafeEqual } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { TdReportBody } from '../intel/quote-types.js';
import { TDINFO, TD_REPORT, TD_REPORT_TYPE_TDX, TEE_TCB_INFO } from './layout.js';

const MR = 48;

function mismatch(field: string): never {
  throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', `Azure TDX HCL report: the TDREPORT's ${field} differs from the TD quote's`, { details: { field: `tdReport.${field}` } });
}

/**
 * Checks that the TD quote's body is this TDREPORT's. Throws ERR_EVIDENCE_MALFORMED (not a TDX
 * TDREPORT) and ERR_EVIDENCE_BINDING_MISMATCH (details.field names the first field that differs).
 */
export async function checkTdReportBinding(tdReport: Uint8Array, quote: TdReportBody): Promise<void> {
  if (tdReport[TD_REPORT.REPORT_TYPE] !== TD_REPORT_TYPE_TDX) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `Azure TDX HCL report: TDREPORT type 0x${(tdReport[0] ?? 0).toString(16)} is not TDX (0x81)`, { details: { field: 'tdReport.type' } });
  }
  const at = (offset: number, size: number) => tdReport.subarray(offset, offset + size);
  const tcbInfo = at(TD_REPORT.TEE_TCB_INFO, TD_REPORT.TEE_TCB_INFO_BYTES);
  const tdInfo = at(TD_REPORT.TDINFO, TD_REPORT.TDINFO_BYTES);
  const [tcbHash, infoHash] = await Promise.all([digest('SHA-384', tcbInfo), digest('SHA-384', tdInfo)]);
  const pairs: Array<[string, Uint8Array, Uint8Array]> = [
    ['reportData', at(TD_REPORT.REPORT_DATA, 64), quote.reportData],
    ['teeTcbSvn', tcbInfo.subarray(TEE_TCB_INFO.TEE_TCB_SVN, TEE_TCB_INFO.TEE_TCB_SVN + 16), quote.teeTcbSvn],
    ['mrSeam', tcbInfo.subarray(TEE_TCB_INFO.MR_SEAM, TEE_TCB_INFO.MR_SEAM + MR), quote.mrSeam],
    ['mrSignerSeam', tcbInfo.subarray(TEE_TCB_INFO.MR_SIGNER_SEAM, TEE_TCB_INFO.MR_SIGNER_SEAM + MR), quote.mrSignerSeam],
    ['seamAttributes', tcbInfo.subarray(TEE_TCB_INFO.ATTRIBUTES, TEE_TCB_INFO.ATTRIBUTES + 8), quote.seamAttributes],
    ['tdAttributes', tdInfo.subarray(TDINFO.ATTRIBUTES, TDINFO.ATTRIBUTES + 8), quote.tdAttributes],
    ['xfam', tdInfo.subarray(TDINFO.XFAM, TDINFO.XFAM + 8), quote.xfam],
    ['mrTd', tdInfo.subarray(TDINFO.MR_TD, TDINFO.MR_TD + MR), quote.mrTd],
    ['mrConfigId', tdInfo.subarray(TDINFO.MR_CONFIG_ID, TDINFO.MR_CONFIG_ID + MR), quote.mrConfigId],
    ['mrOwner', tdInfo.subarray(TDINFO.MR_OWNER, TDINFO.MR_OWNER + MR), quote.mrOwner],
    ['mrOwnerConfig', tdInfo.subarray(TDINFO.MR_OWNER_CONFIG, TDINFO.MR_OWNER_CONFIG + MR), quote.mrOwnerConfig],
    ...quote.rtmrs.map((r, i): [string, Uint8Array, Uint8Array] => [`rtmr${i}`, tdInfo.subarray(TDINFO.RTMRS + i * MR, TDINFO.RTMRS + (i + 1) * MR), r]),
    ['teeTcbInfoHash', at(TD_REPORT.TEE_TCB_INFO_HASH, MR), tcbHash],
    ['teeInfoHash', at(TD_REPORT.TEE_INFO_HASH, MR), infoHash],
  ];
  for (const [field, ours, theirs] of pairs) {
    if (ours.length !== theirs.length || !timingSafeEqual(ours, theirs)) mismatch(field);
  }
  // The 17 bytes between TEE_TCB_INFO and TDINFO are reserved and covered by no digest.
  if (!isAllZero(at(TD_REPORT.TEE_TCB_INFO + TD_REPORT.TEE_TCB_INFO_BYTES, TD_REPORT.TDINFO - TD_REPORT.TEE_TCB_INFO - TD_REPORT.TEE_TCB_INFO_BYTES))) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', 'Azure TDX HCL report: reserved TDREPORT bytes are not zero', { details: { field: 'tdReport.reserved' } });
  }
}
