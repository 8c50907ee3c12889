/**
 * Shamir's secret sharing over GF(256), byte by byte: a random polynomial of degree k-1 per byte
 * with the secret byte as its constant term, evaluated at x = 1..n. Any k shares give the secret
 * back by Lagrange interpolation at 0; k-1 shares say nothing about it.
 */
import { gfDiv, gfMul } from './gf256.js';

export interface Share {
  /** The evaluation point, 1 to 255. */
  x: number;
  y: Uint8Array;
}

/** Splits `secret` into `n` shares of which any `k` recover it (2 <= k <= n <= 255). `random(len)` gives fresh random bytes. */
export function splitSecret(secret: Uint8Array, n: number, k: number, random: (length: number) => Uint8Array): Share[] {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 2 || n < k || n > 255) throw new RangeError(`a k-of-n split needs 2 <= k <= n <= 255 (got k=${k}, n=${n})`);
  const shares: Share[] = Array.from({ length: n }, (_, i) => ({ x: i + 1, y: new Uint8Array(secret.length) }));
  const coefficients = new Uint8Array(k);
  for (let b = 0; b < secret.length; b++) {
    coefficients[0] = secret[b]!;
    coefficients.set(random(k - 1), 1);
    for (const share of shares) {
      // Horner's rule from the highest coefficient.
      let acc = 0;
      for (let c = k - 1; c >= 0; c--) acc = gfMul(acc, share.x) ^ coefficients[c]!;
      share.y[b] = acc;
    }
  }
  coefficients.fill(0);
  return shares;
}

/** The secret from shares with distinct, non-zero x and equal lengths (the caller checks how many are needed). */
export function combineShares(shares: readonly Share[]): Uint8Array {
  const xs = new Set(shares.map((s) => s.x));
  if (shares.length === 0 || xs.size !== shares.length || xs.has(0)) throw new RangeError('shares need distinct, non-zero x');
  const length = shares[0]!.y.length;
  if (shares.some((s) => s.y.length !== length)) throw new RangeError('shares have different lengths');
  const out = new Uint8Array(length);
  for (const [i, si] of shares.entries()) {
    // Lagrange basis at 0: prod_{j != i} x_j / (x_j - x_i); subtraction is xor in GF(2^8).
    let basis = 1;
    for (const [j, sj] of shares.entries()) if (j !== i) basis = gfMul(basis, gfDiv(sj.x, sj.x ^ si.x));
    for (let b = 0; b < length; b++) out[b]! ^= gfMul(si.y[b]!, basis);
  }
  return out;
}
