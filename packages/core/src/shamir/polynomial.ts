/**
 * Shamir's secret sharing over GF(2^8), without input checks: one random polynomial of degree
 * k-1 per secret byte with the byte as constant term, evaluated at x = 1..n; Lagrange
 * interpolation at x = 0 rebuilds the secret. Its users (coordinator recovery keys, the key
 * vault's security domain) check counts, points and lengths first and raise their own codes.
 * The field arithmetic uses no tables, so secret bytes never index memory.
 */
import { gfInv, gfMul } from './gf256.js';

/** One share: the evaluation point and the polynomial values at it, one per secret byte. */
export interface ShamirShare {
  x: number;
  y: Uint8Array;
}

/** Most shares a GF(2^8) split can have: x runs over the non-zero field elements. */
export const SHAMIR_MAX_SHARES = 255;

/**
 * Shares at x = 1..n of which any k rebuild `secret` (1 <= k <= n <= 255, unchecked).
 * `random(len)` gives fresh random bytes (injected so a fixed polynomial can be tested).
 */
export function splitSecret(secret: Uint8Array, n: number, k: number, random: (length: number) => Uint8Array): ShamirShare[] {
  const shares: ShamirShare[] = Array.from({ length: n }, (_, i) => ({ x: i + 1, y: new Uint8Array(secret.length) }));
  const coefficients = new Uint8Array(k);
  for (let b = 0; b < secret.length; b++) {
    coefficients[0] = secret[b]!;
    if (k > 1) coefficients.set(random(k - 1), 1);
    for (const share of shares) {
      // Horner's rule from the highest coefficient down to the secret byte.
      let acc = 0;
      for (let c = k - 1; c >= 0; c--) acc = gfMul(acc, share.x) ^ coefficients[c]!;
      share.y[b] = acc;
    }
  }
  coefficients.fill(0);
  return shares;
}

/**
 * Lagrange interpolation at x = 0; expects distinct non-zero x and equal lengths (unchecked).
 * With fewer shares than the threshold the result is a wrong value, not an error.
 */
export function interpolateSecret(shares: readonly ShamirShare[]): Uint8Array {
  const length = shares[0]?.y.length ?? 0;
  const secret = new Uint8Array(length);
  for (const [i, si] of shares.entries()) {
    // Lagrange basis at 0: prod over j != i of x_j / (x_j - x_i); minus is XOR in GF(2^8).
    let num = 1;
    let den = 1;
    for (const [j, sj] of shares.entries()) {
      if (i === j) continue;
      num = gfMul(num, sj.x);
      den = gfMul(den, sj.x ^ si.x);
    }
    const basis = gfMul(num, gfInv(den));
    for (let b = 0; b < length; b++) secret[b]! ^= gfMul(si.y[b]!, basis);
  }
  return secret;
}

/** Fresh random bytes from the platform (crypto.getRandomValues), the usual `random` of splitSecret. */
export function platformRandom(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
