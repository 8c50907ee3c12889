/**
 * Shamir's secret sharing over GF(256), byte by byte: a random polynomial of degree k-1 per byte
 * with the secret byte as its constant term, evaluated at x = 1..n. Any k shares give the secret
 * back by Lagrange interpolation at 0; k-1 shares say nothing about it. The arithmetic is
 * @confide/core's (shared with coordinator recovery; no table lookups indexed by key bytes).
 */
import { interpolateSecret, splitSecret as splitPolynomials, type ShamirShare } from '@confide/core';

/** A share: the evaluation point (1 to 255) and one value per secret byte. */
export type Share = ShamirShare;

/** Splits `secret` into `n` shares of which any `k` recover it (2 <= k <= n <= 255). `random(len)` gives fresh random bytes. */
export function splitSecret(secret: Uint8Array, n: number, k: number, random: (length: number) => Uint8Array): Share[] {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 2 || n < k || n > 255) throw new RangeError(`a k-of-n split needs 2 <= k <= n <= 255 (got k=${k}, n=${n})`);
  return splitPolynomials(secret, n, k, random);
}

/** The secret from shares with distinct, non-zero x and equal lengths (the caller checks how many are needed). */
export function combineShares(shares: readonly Share[]): Uint8Array {
  const xs = new Set(shares.map((s) => s.x));
  if (shares.length === 0 || xs.size !== shares.length || xs.has(0)) throw new RangeError('shares need distinct, non-zero x');
  const length = shares[0]!.y.length;
  if (shares.some((s) => s.y.length !== length)) throw new RangeError('shares have different lengths');
  return interpolateSecret(shares);
}
