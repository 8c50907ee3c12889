/**
 * A minimal DER reader for the X.509 certificates, CRLs and extensions of Intel's PCK PKI and
 * AMD's KDS PKI, and the one DER reader of the packages (the coordinator reads its own
 * certificates with it). Every element keeps its raw encoding, so signatures are checked over
 * the original bytes (never re-encoded).
 */
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';

export interface DerElement {
  tag: number;
  /** The whole element: tag, length and contents. */
  raw: Uint8Array;
  /** The contents only. */
  value: Uint8Array;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * An element DerReader read. Most elements are only entered or read by their contents, so the
 * view of the whole encoding is cut from the input when first asked for (a typed-array view
 * costs about as much as reading the element).
 */
class ReadElement implements DerElement {
  #raw: Uint8Array | undefined;

  constructor(
    readonly tag: number,
    private readonly input: Uint8Array,
    private readonly start: number,
    readonly value: Uint8Array,
  ) {}

  get raw(): Uint8Array {
    this.#raw ??= this.input.subarray(this.start, this.value.byteOffset - this.input.byteOffset + this.value.length);
    return this.#raw;
  }
}

/** Reads consecutive DER elements from `bytes`; any overrun or bad length throws `code`. */
export class DerReader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly code: EvidenceErrorCode,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  fail(message: string): never {
    throw new EvidenceError(this.code, `${this.what}: ${message}`);
  }

  peekTag(): number | undefined {
    return this.pos < this.bytes.length ? this.bytes[this.pos] : undefined;
  }

  /** The next element; when `tag` is given it must match. */
  next(tag?: number): DerElement {
    const b = this.bytes;
    const start = this.pos;
    if (start + 2 > b.length) this.fail('truncated DER');
    const t = b[start]!;
    if ((t & 0x1f) === 0x1f) this.fail('multi-byte DER tags are not used here');
    let len = b[start + 1]!;
    let p = start + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || p + n > b.length) this.fail('bad DER length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
      p += n;
    }
    if (p + len > b.length) this.fail('truncated DER');
    if (tag !== undefined && t !== tag) this.fail(`expected DER tag 0x${tag.toString(16)}, found 0x${t.toString(16)}`);
    this.pos = p + len;
    return new ReadElement(t, b, start, b.subarray(p, p + len));
  }

  /** The next element if it has `tag`, else undefined. */
  optional(tag: number): DerElement | undefined {
    return this.peekTag() === tag ? this.next(tag) : undefined;
  }

  /** A reader over the contents of the next element (a constructed one). */
  enter(tag: number): DerReader {
    return new DerReader(this.next(tag).value, this.code, this.what);
  }
}

/** Dotted notation of an OBJECT IDENTIFIER's contents. */
export function decodeOid(value: Uint8Array): string {
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    acc = acc * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        parts.push(first, acc - first * 40);
      } else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

/** A non-negative INTEGER's contents as a number (small values only: SVNs, versions). */
export function decodeSmallInt(value: Uint8Array): number {
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

/** The value of the `count` ASCII digits of `v` from `at`; -1 when one is not a digit. */
function digitsAt(v: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = v[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const ASCII_Z = 0x5a;

/**
 * UTCTime (YYMMDDHHMMSSZ) / GeneralizedTime (YYYYMMDDHHMMSSZ) to a Date; undefined when it is
 * neither or does not parse, or names no real instant (month 13, 30 February, hour 24, second 60):
 * Date.UTC would roll those over into another day. Read digit by digit from the bytes: no string,
 * no regular expression.
 */
export function decodeTime(el: DerElement): Date | undefined {
  const v = el.value;
  const yearDigits = el.tag === TAG.UTC_TIME ? 2 : el.tag === TAG.GENERALIZED_TIME ? 4 : 0;
  if (yearDigits === 0 || v.length !== yearDigits + 11 || v[v.length - 1] !== ASCII_Z) return undefined;
  let year = digitsAt(v, 0, yearDigits);
  const month = digitsAt(v, yearDigits, 2);
  const day = digitsAt(v, yearDigits + 2, 2);
  const hour = digitsAt(v, yearDigits + 4, 2);
  const minute = digitsAt(v, yearDigits + 6, 2);
  const second = digitsAt(v, yearDigits + 8, 2);
  if ((year | month | day | hour | minute | second) < 0) return undefined;
  if (yearDigits === 2) year += year >= 50 ? 1900 : 2000;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  // Set apart: Date.UTC reads years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(year);
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  return real ? date : undefined;
}

/**
 * ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) to the raw r||s form WebCrypto wants.
 * Nothing may follow either the SEQUENCE or its two integers: one signature has one encoding.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number, code: EvidenceErrorCode): Uint8Array {
  const r = new DerReader(der, code, 'ECDSA signature');
  const seq = r.enter(TAG.SEQUENCE);
  if (!r.done) r.fail('bytes after the signature');
  const out = new Uint8Array(size * 2);
  for (let i = 0; i < 2; i++) {
    let v = seq.next(TAG.INTEGER).value;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) seq.fail('ECDSA integer too long');
    out.set(v, i * size + size - v.length);
  }
  if (!seq.done) seq.fail('more than two integers');
  return out;
}
