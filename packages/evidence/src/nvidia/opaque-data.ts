/**
 * NVIDIA's opaque data in the MEASUREMENTS response: type-length-value fields (nvtrust's
 * `OpaqueData`), decoded into what a policy reads: driver and VBIOS versions, SKUs, the FWID,
 * per-index measurement counts, switch PDIs. Unknown field IDs are kept as hex by number.
 */
import { toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';
import { MSRSCNT_ENTRY_BYTES, OPAQUE_FIELD, PDI_BYTES, VBIOS_VERSION_BINARY_BYTES } from './layout.js';

/** The opaque fields, raw: field ID to its bytes (views into the report). */
export type OpaqueFields = ReadonlyMap<number, Uint8Array>;

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `NVIDIA opaque data: ${message}`);
}

/** Splits the opaque data into fields; they must fill it exactly, each ID once. Throws ERR_EVIDENCE_MALFORMED. */
export function parseOpaqueData(data: Uint8Array): Map<number, Uint8Array> {
  const r = new BinaryReader(data, 'NVIDIA opaque data');
  const fields = new Map<number, Uint8Array>();
  while (r.remaining > 0) {
    const type = r.u16('DataType');
    const size = r.u16('DataSize');
    if (fields.has(type)) malformed(`field ${type} appears twice`);
    fields.set(type, r.bytesOf(size, `field ${type}`));
  }
  return fields;
}

/** Text up to the first NUL, printable ASCII only; undefined when the bytes are not such text. */
export function asciiField(bytes: Uint8Array): string | undefined {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  for (let i = end; i < bytes.length; i++) if (bytes[i] !== 0) return undefined;
  let out = '';
  for (let i = 0; i < end; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c > 0x7e) return undefined;
    out += String.fromCharCode(c);
  }
  return out;
}

// Text that is not ASCII is not decoded (its hex stays in `fields`): a field's spelling is no
// reason to refuse evidence whose signature holds.
function text(fields: OpaqueFields, id: number): string | undefined {
  const bytes = fields.get(id);
  return bytes === undefined ? undefined : asciiField(bytes);
}

/**
 * The VBIOS version as NVIDIA prints it ("96.00.9f.00.01"): a GPU sends 8 bytes, the u32 at
 * 0 (little-endian, four hex pairs) then the byte at 4; an NVSwitch sends the text itself.
 */
export function vbiosVersion(bytes: Uint8Array): string | undefined {
  const value = asciiField(bytes);
  if (value !== undefined && value.includes('.')) return value;
  if (bytes.length !== VBIOS_VERSION_BINARY_BYTES) return undefined;
  return [3, 2, 1, 0, 4].map((i) => bytes[i]!.toString(16).padStart(2, '0')).join('.');
}

function u32List(bytes: Uint8Array, name: string): number[] {
  if (bytes.length % MSRSCNT_ENTRY_BYTES !== 0) malformed(`${name} is ${bytes.length} bytes, not a multiple of ${MSRSCNT_ENTRY_BYTES}`);
  const r = new BinaryReader(bytes, name);
  const out: number[] = [];
  while (r.remaining > 0) out.push(r.u32(name));
  return out;
}

function chunks(bytes: Uint8Array, size: number, name: string): string[] {
  if (bytes.length % size !== 0) malformed(`${name} is ${bytes.length} bytes, not a multiple of ${size}`);
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(toHex(bytes.subarray(i, i + size)));
  return out;
}

/** The decoded opaque fields; every value is JSON (strings are text or lower-case hex as noted). */
export interface NvidiaOpaqueClaims {
  driverVersion?: string;
  vbiosVersion?: string;
  /** Text fields (absent when not ASCII). */
  chipSku?: string;
  chipSkuMod?: string;
  project?: string;
  projectSku?: string;
  /** Hex fields. */
  nvdec0Status?: string;
  protectedPcieStatus?: string;
  projectSkuMod?: string;
  boardId?: string;
  gpuInfo?: string;
  cprInfo?: string;
  fwid?: string;
  /** Measurement count per index (1-based index as key). */
  measurementCount?: Record<string, number>;
  /** NVSwitch/GPU platform device identifiers, 8 bytes each, hex. */
  switchPdis?: string[];
  positionId?: number;
  /** Every field by its numeric ID, lower-case hex, as sent (known and unknown alike). */
  fields: Record<string, string>;
}

/**
 * Decodes the fields a policy reads; every field also stays in `fields` as hex.
 * Throws ERR_EVIDENCE_MALFORMED for a field whose bytes do not fit its kind.
 */
export function opaqueClaims(fields: OpaqueFields): NvidiaOpaqueClaims {
  const F = OPAQUE_FIELD;
  const out: NvidiaOpaqueClaims = { fields: {} };
  for (const [id, bytes] of [...fields].sort((a, b) => a[0] - b[0])) out.fields[String(id)] = toHex(bytes);
  const setText = (key: 'driverVersion' | 'chipSku' | 'chipSkuMod' | 'project' | 'projectSku', id: number) => {
    const value = text(fields, id);
    if (value !== undefined) out[key] = value;
  };
  const setHex = (key: 'nvdec0Status' | 'protectedPcieStatus' | 'projectSkuMod' | 'boardId' | 'gpuInfo' | 'cprInfo' | 'fwid', id: number) => {
    const bytes = fields.get(id);
    if (bytes !== undefined) out[key] = toHex(bytes);
  };
  setText('driverVersion', F.DRIVER_VERSION);
  const vbios = fields.get(F.VBIOS_VERSION);
  const vbiosText = vbios === undefined ? undefined : vbiosVersion(vbios);
  if (vbiosText !== undefined) out.vbiosVersion = vbiosText;
  setText('chipSku', F.CHIP_SKU);
  setText('chipSkuMod', F.CHIP_SKU_MOD);
  setText('project', F.PROJECT);
  setText('projectSku', F.PROJECT_SKU);
  setHex('nvdec0Status', F.NVDEC0_STATUS);
  setHex('protectedPcieStatus', F.PROTECTED_PCIE_STATUS);
  setHex('projectSkuMod', F.PROJECT_SKU_MOD);
  setHex('boardId', F.BOARD_ID);
  setHex('gpuInfo', F.GPU_INFO);
  setHex('cprInfo', F.CPRINFO);
  setHex('fwid', F.FWID);
  const counts = fields.get(F.MSRSCNT);
  if (counts !== undefined) {
    out.measurementCount = {};
    u32List(counts, 'MSRSCNT').forEach((n, i) => (out.measurementCount![String(i + 1)] = n));
  }
  const pdis = fields.get(F.SWITCH_PDI);
  if (pdis !== undefined) out.switchPdis = chunks(pdis, PDI_BYTES, 'SWITCH_PDI');
  const position = fields.get(F.POSITION_ID);
  if (position !== undefined) {
    if (position.length !== 2) malformed(`POSITION_ID is ${position.length} bytes, not 2`);
    out.positionId = position[0]! | (position[1]! << 8);
  }
  return out;
}
