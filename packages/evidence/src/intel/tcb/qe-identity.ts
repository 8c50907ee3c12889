/**
 * QE Identity / TD QE Identity (Intel PCS v4 API, enclave identity version 2): which quoting
 * enclave Intel endorses and the TCB status of each of its ISV SVNs.
 */
import { dateField, hexField, isvSvnLevels, malformed, parseJsonObject, stringField, uintField, type IsvSvnLevel } from './json-fields.js';

/** Sizes of the SGX report body fields the identity constrains (SGX REPORTBODY). */
const MISCSELECT_BYTES = 4;
const ATTRIBUTES_BYTES = 16;
const MRSIGNER_BYTES = 32;

/** A QE's ISV SVN (16 bits, SGX REPORTBODY) and its TCB status. */
export type QeIdentityLevel = IsvSvnLevel;

export interface QeIdentity {
  id: 'QE' | 'TD_QE' | 'QVE';
  version: 2;
  issueDate: string;
  nextUpdate: string;
  tcbEvaluationDataNumber: number;
  /** MISCSELECT and its mask, as the report's little-endian uint32 values. */
  miscselect: number;
  miscselectMask: number;
  /** Lower-case hex, 16 bytes in report order. */
  attributes: string;
  attributesMask: string;
  /** Lower-case hex, 32 bytes. */
  mrsigner: string;
  isvProdId: number;
  tcbLevels: QeIdentityLevel[];
}

/** Parses an enclave identity body. Throws ERR_COLLATERAL_MALFORMED. */
export function parseQeIdentity(body: string): QeIdentity {
  const p = 'enclaveIdentity';
  const o = parseJsonObject(body, p);
  const version = uintField(o, 'version', p, 0xffffffff);
  if (version !== 2) malformed(`${p}.version`, `unsupported version ${version} (2)`);
  const id = stringField(o, 'id', p);
  if (id !== 'QE' && id !== 'TD_QE' && id !== 'QVE') malformed(`${p}.id`, `unsupported id ${JSON.stringify(id)}`);
  return {
    id,
    version,
    issueDate: dateField(o, 'issueDate', p),
    nextUpdate: dateField(o, 'nextUpdate', p),
    tcbEvaluationDataNumber: uintField(o, 'tcbEvaluationDataNumber', p, 0xffffffff),
    miscselect: littleEndianUint32(hexField(o, 'miscselect', p, MISCSELECT_BYTES)),
    miscselectMask: littleEndianUint32(hexField(o, 'miscselectMask', p, MISCSELECT_BYTES)),
    attributes: hexField(o, 'attributes', p, ATTRIBUTES_BYTES),
    attributesMask: hexField(o, 'attributesMask', p, ATTRIBUTES_BYTES),
    mrsigner: hexField(o, 'mrsigner', p, MRSIGNER_BYTES),
    isvProdId: uintField(o, 'isvprodid', p, 0xffff),
    tcbLevels: isvSvnLevels(o, p, 0xffff),
  };
}

/**
 * The hex lists the bytes in report order, so QVL reads it little-endian (EnclaveReportVerifier's
 * swapBytes) to compare with the report's MISCSELECT value.
 */
function littleEndianUint32(hex: string): number {
  let v = 0;
  for (let i = 3; i >= 0; i--) v = v * 256 + parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return v;
}
