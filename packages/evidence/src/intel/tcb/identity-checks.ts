/**
 * Checks that the collateral is for this evidence (TCB Info for this TEE, FMSPC and PCE) and that
 * the QE and TDX module are the ones Intel endorses (QuoteVerifier.cpp 4.1.2.4.9-11, 4.1.2.4.14,
 * EnclaveReportVerifier.cpp 4.1.2.9.5-8).
 */
import { isAllZero, fromHex, type ConfideError } from '@confide/core';
import { EvidenceError } from '../../errors.js';
import type { QeReportFields, TcbEvaluationInput } from '../tcb-types.js';
import type { QeIdentity } from './qe-identity.js';
import type { TcbInfo, TdxModule } from './tcb-info.js';

/** Throws ERR_COLLATERAL_MALFORMED when the TCB Info is for another TEE, FMSPC or PCE. */
export function checkTcbInfoApplies(info: TcbInfo, input: TcbEvaluationInput): void {
  const wanted = input.tee === 'tdx' ? 'TDX' : 'SGX';
  // TCB Info v2 predates TDX, so it can only describe SGX.
  if (info.id !== wanted) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `TCB Info is for ${info.id} (version ${info.version}), the evidence is ${wanted}`, {
      details: { field: 'tcbInfo.id', expected: wanted, actual: info.id },
    });
  }
  if (info.fmspc !== input.pck.fmspc.toLowerCase()) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `TCB Info FMSPC ${info.fmspc} does not match the PCK certificate's ${input.pck.fmspc}`, {
      details: { field: 'tcbInfo.fmspc', expected: input.pck.fmspc.toLowerCase(), actual: info.fmspc },
    });
  }
  if (info.pceId !== input.pck.pceId.toLowerCase()) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `TCB Info PCE ID ${info.pceId} does not match the PCK certificate's ${input.pck.pceId}`, {
      details: { field: 'tcbInfo.pceId', expected: input.pck.pceId.toLowerCase(), actual: info.pceId },
    });
  }
}

/** Throws ERR_COLLATERAL_MALFORMED when the identity is not the QE identity for this TEE. */
export function checkQeIdentityApplies(identity: QeIdentity, tee: 'sgx' | 'tdx'): void {
  const wanted = tee === 'tdx' ? 'TD_QE' : 'QE';
  if (identity.id !== wanted) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `enclave identity is ${identity.id}, the evidence needs ${wanted}`, {
      details: { field: 'enclaveIdentity.id', expected: wanted, actual: identity.id },
    });
  }
}

function notEndorsed(what: string, field: string): ConfideError {
  return new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', `${what} is not the one Intel endorses (${field})`, { details: { field } });
}

function maskedEqual(value: Uint8Array, mask: Uint8Array, expected: Uint8Array): boolean {
  if (value.length !== mask.length || value.length !== expected.length) return false;
  for (let i = 0; i < value.length; i++) if ((value[i]! & mask[i]!) !== expected[i]) return false;
  return true;
}

function hexBytes(hex: string, what: string): Uint8Array {
  try {
    return fromHex(hex);
  } catch (cause) {
    throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${what} is not hex`, { cause });
  }
}

/** Throws ERR_EVIDENCE_BINDING_MISMATCH when the QE report does not match the identity. */
export function checkQeReport(identity: QeIdentity, qe: QeReportFields): void {
  if (((qe.miscselect & identity.miscselectMask) >>> 0) !== identity.miscselect >>> 0) throw notEndorsed('the QE', 'miscselect');
  const attributes = hexBytes(qe.attributes, 'QE attributes');
  if (!maskedEqual(attributes, fromHex(identity.attributesMask), fromHex(identity.attributes))) throw notEndorsed('the QE', 'attributes');
  if (qe.mrsigner.toLowerCase() !== identity.mrsigner) throw notEndorsed('the QE', 'mrsigner');
  if (qe.isvProdId !== identity.isvProdId) throw notEndorsed('the QE', 'isvprodid');
}

/**
 * Throws ERR_EVIDENCE_BINDING_MISMATCH when the quote's MRSIGNERSEAM or SEAMATTRIBUTES (where the
 * caller passed them) differ from the expected TDX module. QVL requires SEAMATTRIBUTES to be zero
 * and equal to the expected attributes byte for byte, without applying the mask; so does this.
 */
export function checkTdxModuleSigner(expected: TdxModule, input: TcbEvaluationInput): void {
  if (input.mrSignerSeam !== undefined && input.mrSignerSeam.toLowerCase() !== expected.mrsigner) {
    throw notEndorsed('the TDX module', 'mrSignerSeam');
  }
  if (input.seamAttributes !== undefined) {
    const attributes = hexBytes(input.seamAttributes, 'SEAMATTRIBUTES');
    const wanted = fromHex(expected.attributes);
    if (!isAllZero(attributes) || attributes.length !== wanted.length || !isAllZero(wanted)) {
      throw notEndorsed('the TDX module', 'seamAttributes');
    }
  }
}
