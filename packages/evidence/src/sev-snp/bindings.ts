/**
 * The bindings between a report and its endorsement key certificate: a VCEK/VLEK is derived
 * for one TCB (and a VCEK for one chip), so its SPL extensions must equal REPORTED_TCB and
 * its hwID must equal CHIP_ID. Checked after the signatures, so that a mismatch means "this
 * certificate endorses another chip or TCB", never "these bytes were forged".
 */
import { ConfideError, isAllZero, timingSafeEqual, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { AmdProduct } from '../collateral/types.js';
import { TCB_LAYOUT } from './tcb.js';
import type { VekExtensions } from './vek-extensions.js';

function mismatch(message: string, details?: Record<string, unknown>): never {
  throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', message, details ? { details } : undefined);
}

/**
 * Every SPL the product's layout has must be in the certificate and equal the report's byte.
 * Throws ERR_COLLATERAL_MALFORMED (SPL missing), ERR_EVIDENCE_BINDING_MISMATCH.
 */
export function checkTcbBinding(ext: VekExtensions, reportedTcb: Uint8Array, product: AmdProduct): void {
  for (const [name, index] of Object.entries(TCB_LAYOUT[product]) as [keyof VekExtensions['tcb'], number][]) {
    const endorsed = ext.tcb[name];
    if (endorsed === undefined) {
      throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `the endorsement key certificate has no ${name} SPL`);
    }
    if (endorsed !== reportedTcb[index]) {
      mismatch(`REPORTED_TCB ${name} is ${reportedTcb[index]} but the certificate endorses ${endorsed}`, {
        reportedTcb: toHex(reportedTcb),
      });
    }
  }
}

/**
 * CHIP_ID must start with the VCEK's hwID (64 bytes; 8 on Turin) and be zero after it.
 * Throws ERR_COLLATERAL_MALFORMED (no hwID), ERR_EVIDENCE_BINDING_MISMATCH.
 */
export function checkChipBinding(ext: VekExtensions, chipId: Uint8Array): void {
  const hwid = ext.hwid;
  if (!usableHwid(hwid, chipId)) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'the VCEK has no usable hwID extension');
  }
  if (!hwidMatchesChip(hwid, chipId)) {
    mismatch('CHIP_ID does not match the VCEK hwID', { chipId: toHex(chipId), hwid: toHex(hwid) });
  }
}

function usableHwid(hwid: Uint8Array | undefined, chipId: Uint8Array): hwid is Uint8Array {
  return hwid !== undefined && hwid.length > 0 && hwid.length <= chipId.length;
}

/** True when CHIP_ID starts with the usable `hwid` and is zero after it: the chip the VCEK is for. */
export function hwidMatchesChip(hwid: Uint8Array | undefined, chipId: Uint8Array): boolean {
  return usableHwid(hwid, chipId) && timingSafeEqual(chipId.subarray(0, hwid.length), hwid) && isAllZero(chipId.subarray(hwid.length));
}

/** Which binding a certificate fails, if any; for the hint after a report signature fails. */
export type BindingMismatch = 'chipId' | 'tcb';

/**
 * Names the first binding the certificate breaks (chip first, then TCB), or undefined. Never
 * throws: it only explains a failure already found, so a malformed extension explains nothing.
 */
export function findBindingMismatch(
  ext: VekExtensions,
  report: { chipId: Uint8Array; reportedTcb: Uint8Array },
  product: AmdProduct,
  checkChip: boolean,
): BindingMismatch | undefined {
  const fails = (check: () => void): boolean => {
    try {
      check();
      return false;
    } catch (err) {
      return err instanceof ConfideError && err.code === 'ERR_EVIDENCE_BINDING_MISMATCH';
    }
  };
  if (checkChip && fails(() => checkChipBinding(ext, report.chipId))) return 'chipId';
  if (fails(() => checkTcbBinding(ext, report.reportedTcb, product))) return 'tcb';
  return undefined;
}

/**
 * The caller's expected report data must equal the leading bytes of REPORT_DATA.
 * Throws ERR_USAGE (not 1..64 bytes), ERR_EVIDENCE_BINDING_MISMATCH.
 */
export function checkReportData(expected: Uint8Array | undefined, reportData: Uint8Array): void {
  if (expected === undefined) return;
  if (expected.length === 0 || expected.length > reportData.length) {
    throw new EvidenceError('ERR_USAGE', `expected report data must be 1..${reportData.length} bytes, got ${expected.length}`);
  }
  if (!timingSafeEqual(reportData.subarray(0, expected.length), expected)) mismatch('REPORT_DATA does not match the expected value');
}
