/** Byte helpers that run in any runtime (no Buffer). */
import { CoreError } from './errors/index.js';

const HEX = '0123456789abcdef';
/** Value of each ASCII hex digit (either case), -1 for any other character. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE[HEX.charCodeAt(i)] = i;
  HEX_VALUE[HEX.toUpperCase().charCodeAt(i)] = i;
}

/** ASCII codes of the digits, for the codecs that write characters as bytes. */
const HEX_CODES = Uint8Array.from(HEX, (c) => c.charCodeAt(0));
const asciiDecoder = new TextDecoder();
/** Where the encoders write their characters (grown on demand); every call fills it and decodes it before returning. */
let asciiScratch = new Uint8Array(1024);

/** The scratch kept between calls stays at most this big; a longer text gets an array of its own. */
const SCRATCH_MAX = 64 * 1024;

function asciiRoom(n: number): Uint8Array {
  if (asciiScratch.length >= n) return asciiScratch;
  if (n > SCRATCH_MAX) return new Uint8Array(n);
  return (asciiScratch = new Uint8Array(Math.min(SCRATCH_MAX, Math.max(n, asciiScratch.length * 2))));
}

/**
 * Lower-case hex of `bytes`. Written as ASCII bytes and decoded once, so the result is one flat
 * string: appending pair by pair makes a rope of a cons string per pair (about 900 bytes kept for
 * a 32-byte digest), which the ledger keeps for every entry and the garbage collector then copies.
 */
export function toHex(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = asciiRoom(2 * n);
  for (let i = 0, o = 0; i < n; i++, o += 2) {
    const b = bytes[i]!;
    out[o] = HEX_CODES[b >> 4]!;
    out[o + 1] = HEX_CODES[b & 15]!;
  }
  return asciiDecoder.decode(out.subarray(0, 2 * n));
}

/** Decodes hex (either case, optional 0x prefix). Throws ERR_INPUT_UNREADABLE. */
export function fromHex(hex: string): Uint8Array {
  const from = hex.startsWith('0x') || hex.startsWith('0X') ? 2 : 0;
  const length = hex.length - from;
  if (length % 2 !== 0) throw new CoreError('ERR_INPUT_UNREADABLE', 'not a hex string');
  const out = new Uint8Array(length / 2);
  for (let i = 0, j = from; i < out.length; i++, j += 2) {
    const hi = hexValue(hex.charCodeAt(j));
    const lo = hexValue(hex.charCodeAt(j + 1));
    if ((hi | lo) < 0) throw new CoreError('ERR_INPUT_UNREADABLE', 'not a hex string');
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(c: number): number {
  return c < 128 ? HEX_VALUE[c]! : -1;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_LOOKUP[B64.charCodeAt(i)] = i;
B64_LOOKUP['-'.charCodeAt(0)] = 62;
B64_LOOKUP['_'.charCodeAt(0)] = 63;

const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const B64URL_CODES = Uint8Array.from(B64URL, (c) => c.charCodeAt(0));
const PAD = 0x3d; // '='

/** Written as ASCII bytes and decoded once, like toHex, so the result is one flat string. */
function encodeBase64(bytes: Uint8Array, alphabet: Uint8Array, pad: boolean): string {
  const length = bytes.length;
  const out = asciiRoom(Math.ceil(length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = alphabet[n >> 18]!;
    out[o++] = alphabet[(n >> 12) & 63]!;
    out[o++] = alphabet[(n >> 6) & 63]!;
    out[o++] = alphabet[n & 63]!;
  }
  const rest = length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = alphabet[n >> 18]!;
    out[o++] = alphabet[(n >> 12) & 63]!;
    if (rest === 2) out[o++] = alphabet[(n >> 6) & 63]!;
    if (pad) {
      out[o++] = PAD;
      if (rest === 1) out[o++] = PAD;
    }
  }
  return asciiDecoder.decode(out.subarray(0, o));
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return encodeBase64(bytes, B64_CODES, true);
}

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes, B64URL_CODES, false);
}

const WHITESPACE = /\s/;

function b64Value(c: number): number {
  return c < 128 ? B64_LOOKUP[c]! : -1;
}

/** Decodes base64 or base64url, padded or not; whitespace is ignored. Throws ERR_INPUT_UNREADABLE. */
export function fromBase64(text: string): Uint8Array {
  const s = WHITESPACE.test(text) ? text.replace(/\s/g, '') : text;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d /* '=' */) end--;
  if (end % 4 === 1) throw new CoreError('ERR_INPUT_UNREADABLE', 'not a base64 string');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  const whole = end - (end % 4);
  let o = 0;
  let i = 0;
  for (; i < whole; i += 4) {
    const a = b64Value(s.charCodeAt(i));
    const b = b64Value(s.charCodeAt(i + 1));
    const c = b64Value(s.charCodeAt(i + 2));
    const d = b64Value(s.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) throw new CoreError('ERR_INPUT_UNREADABLE', 'not a base64 string');
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  // 2 or 3 trailing characters carry 1 or 2 bytes; their leftover low bits are dropped.
  let n = 0;
  for (let k = i; k < end; k++) {
    const v = b64Value(s.charCodeAt(k));
    if (v < 0) throw new CoreError('ERR_INPUT_UNREADABLE', 'not a base64 string');
    n = (n << 6) | v;
  }
  if (end - i === 2) out[o++] = n >> 4;
  else if (end - i === 3) {
    out[o++] = n >> 10;
    out[o++] = (n >> 2) & 0xff;
  }
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-time equality for secrets and digests; length is not secret. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** True when every byte is zero. */
export function isAllZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 encode. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 decode (lenient). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** A copy of `bytes` as a plain ArrayBuffer, for APIs that want one. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** SHA digest through WebCrypto. */
export async function digest(algorithm: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, data as Uint8Array<ArrayBuffer>));
}
