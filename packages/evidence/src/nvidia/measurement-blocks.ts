/** The measurement record of a MEASUREMENTS response: DSP0274 1.1 measurement blocks in the DMTF format. */
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';
import { BLOCK_HEADER_BYTES, DMTF_HEADER_BYTES, DMTF_RAW_BIT_STREAM, DMTF_TYPE_MASK, MEASUREMENT_SPEC_DMTF } from './layout.js';

export interface MeasurementBlock {
  /** The measurement index (1..0xFE). */
  index: number;
  /** DMTFSpecMeasurementValueType bits 0-6. */
  valueType: number;
  /** Bit 7: the value is the raw bit stream rather than a digest. */
  rawBitStream: boolean;
  /** The measurement value (a view into the report). */
  value: Uint8Array;
}

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `SPDM measurement record: ${message}`);
}

/**
 * Parses `count` blocks that must fill `record` exactly. Throws ERR_EVIDENCE_MALFORMED for a
 * truncated or over-long record, a duplicate or zero index, a block whose DMTF size disagrees
 * with its block size, and ERR_EVIDENCE_UNSUPPORTED for a block not in the DMTF format.
 */
export function parseMeasurementBlocks(record: Uint8Array, count: number): MeasurementBlock[] {
  const r = new BinaryReader(record, 'SPDM measurement record');
  const blocks: MeasurementBlock[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const index = r.u8('Index');
    const spec = r.u8('MeasurementSpecification');
    const size = r.u16('MeasurementSize');
    if (index === 0 || index === 0xff) malformed(`block ${i + 1} has the reserved index ${index}`);
    if (seen.has(index)) malformed(`index ${index} appears twice`);
    seen.add(index);
    if (spec !== MEASUREMENT_SPEC_DMTF) {
      throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `SPDM measurement block ${index} uses measurement specification 0x${spec.toString(16)}, not DMTF`);
    }
    const measurement = new BinaryReader(r.bytesOf(size, `measurement ${index}`), `SPDM measurement block ${index}`);
    const type = measurement.u8('DMTFSpecMeasurementValueType');
    const valueSize = measurement.u16('DMTFSpecMeasurementValueSize');
    if (valueSize + DMTF_HEADER_BYTES !== size) malformed(`block ${index}: value size ${valueSize} does not fill MeasurementSize ${size}`);
    blocks.push({ index, valueType: type & DMTF_TYPE_MASK, rawBitStream: (type & DMTF_RAW_BIT_STREAM) !== 0, value: measurement.bytesOf(valueSize, 'value') });
  }
  if (r.remaining !== 0) malformed(`${r.remaining} bytes after the ${count} blocks NumberOfBlocks announces`);
  return blocks;
}

/** Size of the header each block adds, for callers that bound a record. */
export const MEASUREMENT_BLOCK_OVERHEAD = BLOCK_HEADER_BYTES + DMTF_HEADER_BYTES;
