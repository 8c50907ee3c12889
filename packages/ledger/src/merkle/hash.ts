/** SHA-256 as the CCF tree uses it: a plain digest, and a node as the digest of its two children. */
import { concatBytes, digest, toArrayBuffer } from '@confide/core';

/**
 * The hashes the ledger computes, synchronous or not. WebCrypto (the default) is async and costs
 * a thread-pool round trip per call; a Node caller that appends many entries injects node:crypto's
 * synchronous SHA-256 and HMAC instead (see the writer's `crypto` option).
 */
export interface LedgerHashes {
  sha256(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
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
