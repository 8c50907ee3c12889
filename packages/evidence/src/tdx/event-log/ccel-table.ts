/**
 * The ACPI CCEL table (ACPI 6.5, section 5.2.34 "Confidential Computing Event Log Table"): a
 * 36-byte ACPI header with the "CCEL" signature, then CC type, subtype, reserved, the log area's
 * minimum length (LAML) and start address (LASA). It locates the CC event log in guest memory;
 * a log read from there is at most LAML bytes.
 */
import { toHex } from '@confide/core';
import { BinaryReader } from '../../binary-reader.js';
import { EvidenceError } from '../../errors.js';

/** Header (36) + CC type, subtype, reserved (4) + LAML (8) + LASA (8). */
export const CCEL_TABLE_BYTES = 56;
/** The CC type of Intel TDX (ACPI 6.5 Table 5.165). */
export const CC_TYPE_TDX = 2;

export interface CcelTable {
  revision: number;
  oemId: string;
  oemTableId: string;
  ccType: number;
  ccSubtype: number;
  /** LAML: the log area's length in bytes. */
  logAreaLength: number;
  /** LASA: the log area's guest-physical address, 16 hex digits. */
  logAreaAddress: string;
}

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `CCEL table: ${message}`);
}

function ascii(b: Uint8Array): string {
  return String.fromCharCode(...b).replace(/[\0 ]+$/, '');
}

/**
 * Parses a CCEL ACPI table. Throws ERR_EVIDENCE_MALFORMED for a wrong signature, length or
 * checksum, and ERR_EVIDENCE_UNSUPPORTED for a CC type other than TDX.
 */
export function parseCcelTable(bytes: Uint8Array): CcelTable {
  const r = new BinaryReader(bytes, 'CCEL table');
  if (ascii(r.bytesOf(4, 'Signature')) !== 'CCEL') malformed('the signature is not "CCEL"');
  const length = r.u32('Length');
  if (length !== CCEL_TABLE_BYTES || bytes.length !== CCEL_TABLE_BYTES) malformed(`${bytes.length} bytes with Length ${length}, not ${CCEL_TABLE_BYTES}`);
  // ACPI: all bytes of the table, checksum included, sum to zero modulo 256.
  if (bytes.reduce((sum, b) => (sum + b) & 0xff, 0) !== 0) malformed('the checksum does not sum to zero');
  const revision = r.u8('Revision');
  r.skip(1, 'Checksum');
  const oemId = ascii(r.bytesOf(6, 'OEMID'));
  const oemTableId = ascii(r.bytesOf(8, 'OEM Table ID'));
  r.skip(12, 'OEM Revision, Creator ID, Creator Revision');
  const ccType = r.u8('CC Type');
  const ccSubtype = r.u8('CC Subtype');
  r.skip(2, 'Reserved');
  const laml = r.u64('LAML');
  const lasa = r.bytesOf(8, 'LASA');
  if (ccType !== CC_TYPE_TDX) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `CCEL table: CC type ${ccType} is not Intel TDX (${CC_TYPE_TDX})`);
  if (laml > BigInt(Number.MAX_SAFE_INTEGER)) malformed(`LAML ${laml} is absurd`);
  return { revision, oemId, oemTableId, ccType, ccSubtype, logAreaLength: Number(laml), logAreaAddress: toHex(lasa.slice().reverse()) };
}
