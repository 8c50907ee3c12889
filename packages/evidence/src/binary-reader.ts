/**
 * Bounds-checked reader over a byte array, little-endian by default (Intel and AMD structures,
 * TCG event logs) with big-endian reads for TPM 2.0 structures; every overrun throws
 * ERR_EVIDENCE_MALFORMED.
 */
import { EvidenceError } from './errors.js';

export class BinaryReader {
  private pos: number;

  constructor(
    readonly bytes: Uint8Array,
    /** What is being read, for error messages ("SGX quote", "SNP report"). */
    readonly what: string,
    start = 0,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `${this.what} truncated: ${field} needs ${n} bytes at offset ${this.pos}, ${this.remaining} left`);
    }
  }

  /** A view (not a copy) of the next `n` bytes. */
  bytesOf(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.bytes[this.pos]! | (this.bytes[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.pos;
    const v = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    this.pos += 4;
    return v;
  }

  u64(field: string): bigint {
    const lo = BigInt(this.u32(field));
    const hi = BigInt(this.u32(field));
    return (hi << 32n) | lo;
  }

  u16be(field: string): number {
    this.need(2, field);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32be(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.pos;
    const v = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    this.pos += 4;
    return v;
  }

  u64be(field: string): bigint {
    const hi = BigInt(this.u32be(field));
    const lo = BigInt(this.u32be(field));
    return (hi << 32n) | lo;
  }

  skip(n: number, field: string): void {
    this.need(n, field);
    this.pos += n;
  }
}

/** Reads a little-endian u16 at a fixed offset. */
export function readU16(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}

/** Reads a little-endian u32 at a fixed offset. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

/** Reads a little-endian u64 at a fixed offset. */
export function readU64(bytes: Uint8Array, offset: number): bigint {
  return (BigInt(readU32(bytes, offset + 4)) << 32n) | BigInt(readU32(bytes, offset));
}
