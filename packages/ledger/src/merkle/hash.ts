/** SHA-256 as the CCF tree uses it: a plain digest, and a node as the digest of its two children. */
import { concatBytes, digest, toArrayBuffer, utf8 } from '@confide/core';
import type { Maybe } from './maybe.js';

/** Bytes, or text hashed as its UTF-8 bytes. */
export type HashInput = Uint8Array | string;

/**
 * The hashes the ledger computes, synchronous or not. WebCrypto (the default) is async and costs
 * a thread-pool round trip per call; a Node caller that appends many entries injects node:crypto's
 * synchronous SHA-256 and HMAC instead (see the writer's `crypto` option).
 */
export interface LedgerHashes {
  sha256(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * SHA-256 of `parts` concatenated (text as UTF-8), optional: an implementation that writes them
   * into one buffer spares the writer an array per part and per concatenation.
   */
  sha256Of?(parts: readonly HashInput[]): Uint8Array | Promise<Uint8Array>;
  /** HMAC-SHA256 of `data` (text as UTF-8), optional, for the same reason. */
  hmacSha256Of?(key: Uint8Array, data: HashInput): Uint8Array | Promise<Uint8Array>;
}

const bytesOf = (p: HashInput): Uint8Array => (typeof p === 'string' ? utf8(p) : p);

/** SHA-256 of `parts` concatenated (text as UTF-8), by `hashes.sha256Of` when it has one. */
export function sha256Of(hashes: LedgerHashes, ...parts: HashInput[]): Maybe<Uint8Array> {
  if (hashes.sha256Of) return hashes.sha256Of(parts);
  return hashes.sha256(parts.length === 1 ? bytesOf(parts[0]!) : concatBytes(...parts.map(bytesOf)));
}

/** HMAC-SHA256 of `data` (text as UTF-8) under `key`, by `hashes.hmacSha256Of` when it has one. */
export function hmacOf(hashes: LedgerHashes, key: Uint8Array, data: HashInput): Maybe<Uint8Array> {
  return hashes.hmacSha256Of ? hashes.hmacSha256Of(key, data) : hashes.hmacSha256(key, bytesOf(data));
}

/** The runtime's WebCrypto. */
export const webHashes: LedgerHashes = {
  sha256: (data) => digest('SHA-256', data),
  async hmacSha256(key, data) {
    const k = await crypto.subtle.importKey('raw', toArrayBuffer(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', k, toArrayBuffer(data)));
  },
};

/** SHA-256 of `data`. */
export async function sha256(data: Uint8Array, hashes: LedgerHashes = webHashes): Promise<Uint8Array> {
  return hashes.sha256(data);
}

/** An inner node: SHA-256(left ‖ right), with no domain prefix (unlike RFC 6962, CCF adds none). */
export function hashPair(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(left, right));
}

/** The largest power of two strictly below `n` (n >= 2): where CCF's tree splits n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** True for 1, 2, 4, 8, …: the sizes of CCF's perfect subtrees. */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n));
}
