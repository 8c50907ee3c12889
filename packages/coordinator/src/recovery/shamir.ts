/**
 * Secret splitting for recovery keys. k-of-n: Shamir's scheme over GF(2^8), one random polynomial
 * of degree k-1 per secret byte, shares at x = 1..n. All-of-n: XOR of n-1 random parts and a final
 * part. Both run in any runtime (crypto.getRandomValues only).
 *
 * A Shamir share travels as y || x (the secret's length plus one byte), the layout MarbleRun's
 * recovery secrets use for threshold recovery.
 */
import { interpolateSecret, platformRandom, SHAMIR_MAX_SHARES, splitSecret, type ConfideError, type ShamirShare } from '@confide/core';
import { CoordinatorError } from '../errors.js';

export { SHAMIR_MAX_SHARES, type ShamirShare };

function invalidShare(reason: string, details?: Record<string, unknown>): ConfideError {
  return new CoordinatorError('ERR_RECOVERY_SHARE_INVALID', `recovery share rejected: ${reason}`, { details: { reason, ...details } });
}

function checkSplit(secret: Uint8Array, n: number, k: number): void {
  if (secret.length === 0) throw new CoordinatorError('ERR_RECOVERY_KEYS_INVALID', 'the secret to split is empty');
  if (!Number.isInteger(n) || n < 1 || n > SHAMIR_MAX_SHARES) {
    throw new CoordinatorError('ERR_RECOVERY_KEYS_INVALID', `share count must be 1..${SHAMIR_MAX_SHARES}, got ${n}`);
  }
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new CoordinatorError('ERR_RECOVERY_KEYS_INVALID', `threshold must be 1..${n}, got ${k}`);
  }
}

/** Splits `secret` into `n` shares, any `k` of which rebuild it. Throws ERR_RECOVERY_KEYS_INVALID. */
export function shamirSplit(secret: Uint8Array, n: number, k: number): ShamirShare[] {
  checkSplit(secret, n, k);
  return splitSecret(secret, n, k, platformRandom);
}

/**
 * Rebuilds the secret from shares by Lagrange interpolation at x = 0. With fewer shares than the
 * threshold the result is a wrong value, not an error: the shares cannot tell.
 * Throws ERR_RECOVERY_SHARE_INVALID (no shares, zero/duplicate/out-of-range x, unequal lengths).
 */
export function shamirCombine(shares: readonly ShamirShare[]): Uint8Array {
  if (shares.length === 0) throw invalidShare('no shares');
  const length = shares[0]!.y.length;
  const seen = new Set<number>();
  for (const s of shares) {
    if (!Number.isInteger(s.x) || s.x < 1 || s.x > SHAMIR_MAX_SHARES) throw invalidShare('x coordinate out of range', { x: s.x });
    if (seen.has(s.x)) throw invalidShare('duplicate x coordinate', { x: s.x });
    seen.add(s.x);
    if (s.y.length === 0 || s.y.length !== length) throw invalidShare('shares differ in length', { x: s.x });
  }
  return interpolateSecret(shares);
}

/** A share as bytes: y followed by the one-byte x. */
export function encodeShamirShare(share: ShamirShare): Uint8Array {
  const out = new Uint8Array(share.y.length + 1);
  out.set(share.y);
  out[share.y.length] = share.x;
  return out;
}

/** Parses y || x, expecting `secretLength` bytes of y. Throws ERR_RECOVERY_SHARE_INVALID. */
export function decodeShamirShare(bytes: Uint8Array, secretLength: number): ShamirShare {
  if (bytes.length !== secretLength + 1) {
    throw invalidShare(`a share must be ${secretLength + 1} bytes, got ${bytes.length}`, { length: bytes.length });
  }
  const x = bytes[secretLength]!;
  if (x === 0) throw invalidShare('x coordinate out of range', { x });
  return { x, y: bytes.slice(0, secretLength) };
}

/** Splits `secret` into `n` parts that XOR back to it; every part is needed. Throws ERR_RECOVERY_KEYS_INVALID. */
export function xorSplit(secret: Uint8Array, n: number): Uint8Array[] {
  checkSplit(secret, n, n);
  const parts: Uint8Array[] = [];
  const last = secret.slice();
  for (let i = 0; i < n - 1; i++) {
    const part = crypto.getRandomValues(new Uint8Array(secret.length));
    for (let b = 0; b < last.length; b++) last[b]! ^= part[b]!;
    parts.push(part);
  }
  parts.push(last);
  return parts;
}

/** XORs all parts together. Throws ERR_RECOVERY_SHARE_INVALID (no parts, unequal lengths). */
export function xorCombine(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 0) throw invalidShare('no shares');
  const out = new Uint8Array(parts[0]!.length);
  for (const part of parts) {
    if (part.length === 0 || part.length !== out.length) throw invalidShare('shares differ in length');
    for (let b = 0; b < out.length; b++) out[b]! ^= part[b]!;
  }
  return out;
}
