/**
 * ECDSA P-256 / SHA-256, through WebCrypto unless the caller brings its own primitives
 * (VerifyContext.crypto). Imported keys are cached by their point bytes: key import costs about
 * as much as a verification, and the same Intel CA keys recur in every quote.
 */
import { digest } from '@confide/core';
import type { VerifyCrypto } from '../types.js';
import { byteKey, remember, sameBytes } from '../memo/cache.js';
import { keyImportCache } from './key-cache.js';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const VERIFY = { name: 'ECDSA', hash: 'SHA-256' } as const;
const MAX_CACHED = 256;
const cachedImport = keyImportCache(MAX_CACHED);

/** Imports an uncompressed (65-byte) or raw x||y (64-byte) P-256 point, once per distinct key. */
export function importP256(point: Uint8Array): Promise<CryptoKey> {
  const raw = uncompressedPoint(point);
  return cachedImport(byteKey(raw), () => crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, P256, false, ['verify']));
}

/** The uncompressed form (0x04 || x || y) of a raw x||y (64-byte) point; any other input as it is. */
export function uncompressedPoint(xy: Uint8Array): Uint8Array {
  if (xy.length !== 64) return xy;
  const out = new Uint8Array(65);
  out[0] = 0x04;
  out.set(xy, 1);
  return out;
}

/** True when `signature` (raw r||s) is valid over `data`; false for a bad signature or an unusable key. */
export async function verifyP256(key: CryptoKey | Promise<CryptoKey>, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    return await crypto.subtle.verify(VERIFY, await key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/** The primitives on WebCrypto: what a verifier uses when VerifyContext.crypto is not given. */
export const webCryptoPrimitives: VerifyCrypto = {
  sha256: (data) => digest('SHA-256', data),
  verifyP256: (point, signature, data) => verifyP256(importP256(point), signature, data),
};

const MAX_VERIFIED = 512;
/** By the signature bytes; the entry keeps the key and the signed bytes that decide a hit. */
const verified = new Map<string, { point: Uint8Array; data: Uint8Array }>();

/** True when (point, signature, data) verified before in this process: exactly these bytes. */
export function verifiedBefore(point: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean {
  const hit = verified.get(byteKey(signature));
  return hit !== undefined && sameBytes(hit.point, point) && sameBytes(hit.data, data);
}

/**
 * As verifyP256, remembering successes by the exact (key, signature, data) bytes. For
 * certificates, CRLs and signed collateral, which recur unchanged across quotes (PCK CA, root,
 * TCB signing certificate, CRLs, TCB Info); a failure is never remembered, and any changed byte
 * misses the cache. `primitives` default to WebCrypto.
 */
export async function verifyP256Recurring(
  point: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
  primitives: VerifyCrypto = webCryptoPrimitives,
): Promise<boolean> {
  if (verifiedBefore(point, signature, data)) return true;
  // Copies: the caller's buffers may be reused or changed after this check.
  const entry = { point: point.slice(), data: data.slice() };
  const ok = await primitives.verifyP256(entry.point, signature, entry.data);
  if (ok === true) remember(verified, byteKey(signature), entry, MAX_VERIFIED);
  return ok === true;
}
