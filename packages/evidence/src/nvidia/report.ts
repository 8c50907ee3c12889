/**
 * An NVIDIA attestation report: the SPDM 1.1 GET_MEASUREMENTS request followed by the signed
 * MEASUREMENTS response, as an H100 GPU or an NVSwitch returns it. Parsed strictly: every
 * length must add up and exactly the 96-byte signature may follow the opaque data.
 */
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';
import {
  GET_MEASUREMENTS,
  MAX_OPAQUE_BYTES,
  MEASUREMENTS,
  NONCE_BYTES,
  PARAM1_SIGNATURE_REQUESTED,
  RESPONSE,
  SIGNATURE_BYTES,
  SLOT_ID_MASK,
  SPDM_VERSION_1_1,
} from './layout.js';
import { parseMeasurementBlocks, type MeasurementBlock } from './measurement-blocks.js';
import { opaqueClaims, parseOpaqueData, type NvidiaOpaqueClaims, type OpaqueFields } from './opaque-data.js';

export interface NvidiaReport {
  /** The whole report as given. */
  raw: Uint8Array;
  /** Request and response up to the signature: the bytes the device signed (ECDSA P-384 / SHA-384). */
  signed: Uint8Array;
  /** r || s, 48 bytes each, big-endian. */
  signature: Uint8Array;
  spdmVersion: number;
  /** The requester's nonce: what binds the report to a verifier's challenge. */
  requestNonce: Uint8Array;
  /** The device's own nonce in the response. */
  responseNonce: Uint8Array;
  /** The request's measurement operation (0xFF: all measurements). */
  measurementOperation: number;
  slotId: number;
  /** The measurement record as signed. */
  record: Uint8Array;
  blocks: MeasurementBlock[];
  opaque: Uint8Array;
  opaqueFields: OpaqueFields;
  /** The opaque fields decoded (driver and VBIOS versions, FWID, counts, ...). */
  opaqueDecoded: NvidiaOpaqueClaims;
}

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `NVIDIA attestation report: ${message}`);
}

function readRequest(r: BinaryReader) {
  const version = r.u8('request SPDMVersion');
  if (version !== SPDM_VERSION_1_1) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `NVIDIA attestation report: SPDM version 0x${version.toString(16)} is not supported (1.1 only)`);
  }
  if (r.u8('request code') !== GET_MEASUREMENTS) malformed('the request is not GET_MEASUREMENTS');
  const param1 = r.u8('request Param1');
  const operation = r.u8('request Param2');
  if ((param1 & PARAM1_SIGNATURE_REQUESTED) === 0) malformed('the request did not ask for a signature');
  const nonce = r.bytesOf(NONCE_BYTES, 'request nonce');
  const slotId = r.u8('request SlotIDParam') & SLOT_ID_MASK;
  return { version, operation, nonce, slotId };
}

/**
 * Parses a report (binary). Throws ERR_EVIDENCE_MALFORMED (truncated, inconsistent lengths,
 * bytes after the signature, request and response that do not belong together) and
 * ERR_EVIDENCE_UNSUPPORTED (another SPDM version, a non-DMTF measurement block).
 */
export function parseNvidiaReport(bytes: Uint8Array): NvidiaReport {
  const r = new BinaryReader(bytes, 'NVIDIA attestation report');
  const request = readRequest(r);
  const responseStart = r.offset;
  if (r.u8('response SPDMVersion') !== request.version) malformed('the response SPDM version differs from the request');
  if (r.u8('response code') !== MEASUREMENTS) malformed('the response is not MEASUREMENTS');
  r.u8('response Param1');
  const slotId = r.u8('response Param2') & SLOT_ID_MASK;
  if (slotId !== request.slotId) malformed(`the response is signed with slot ${slotId}, the request asked for slot ${request.slotId}`);
  const blockCount = r.u8('NumberOfBlocks');
  const recordLength = r.u16('MeasurementRecordLength') | (r.u8('MeasurementRecordLength') << 16);
  if (r.offset - responseStart !== RESPONSE.RECORD) malformed('response header length');
  const record = r.bytesOf(recordLength, 'MeasurementRecord');
  const blocks = parseMeasurementBlocks(record, blockCount);
  const responseNonce = r.bytesOf(NONCE_BYTES, 'response nonce');
  const opaqueLength = r.u16('OpaqueLength');
  if (opaqueLength > MAX_OPAQUE_BYTES) malformed(`OpaqueLength ${opaqueLength} is above the ${MAX_OPAQUE_BYTES} bytes SPDM allows`);
  const opaque = r.bytesOf(opaqueLength, 'OpaqueData');
  const opaqueFields = parseOpaqueData(opaque);
  const opaqueDecoded = opaqueClaims(opaqueFields);
  // The signature is the last thing in the report; a byte more or less is not this report.
  if (r.remaining !== SIGNATURE_BYTES) {
    malformed(`${r.remaining} bytes follow the opaque data; the ECDSA P-384 signature is exactly ${SIGNATURE_BYTES}`);
  }
  const signedEnd = r.offset;
  return {
    raw: bytes,
    signed: bytes.subarray(0, signedEnd),
    signature: r.bytesOf(SIGNATURE_BYTES, 'signature'),
    spdmVersion: request.version,
    requestNonce: request.nonce,
    responseNonce,
    measurementOperation: request.operation,
    slotId,
    record,
    blocks,
    opaque,
    opaqueFields,
    opaqueDecoded,
  };
}
