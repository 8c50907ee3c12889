/**
 * QE Identity / TD QE Identity (Intel PCS v4 API, enclave identity version 2): which quoting
 * enclave Intel endorses and the TCB status of each of its ISV SVNs.
 */
import {
  advisoryIds,
  arrayField,
  asObject,
  dateField,
  hexField,
  malformed,
  objectField,
  parseJsonObject,
  stringField,
  uintField,
} from './json-fields.js';

/** Sizes of the SGX report body fields the identity constrains (SGX REPORTBODY). */
const MISCSELECT_BYTES = 4;
const ATTRIBUTES_BYTES = 16;
const MRSIGNER_BYTES = 32;

export interface QeIdentityLevel {
  isvSvn: number;
  tcbDate: string;
  tcbStatus: string;
  advisoryIds: string[];
}

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
    tcbLevels: arrayField(o, 'tcbLevels', p).map((l, i) => {
      const lp = `${p}.tcbLevels[${i}]`;
      const lo = asObject(l, lp);
      return {
        isvSvn: uintField(objectField(lo, 'tcb', lp), 'isvsvn', `${lp}.tcb`, 0xffff),
        tcbDate: dateField(lo, 'tcbDate', lp),
        tcbStatus: stringField(lo, 'tcbStatus', lp),
        advisoryIds: advisoryIds(lo, lp),
      };
    }),
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
