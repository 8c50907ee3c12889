/** SHA-256 as the CCF tree uses it: a plain digest, and a node as the digest of its two children. */
import { concatBytes, digest } from '@confide/core';

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Promise<Uint8Array> {
  return digest('SHA-256', data);
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
