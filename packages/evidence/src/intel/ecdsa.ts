/**
 * ECDSA P-256 / SHA-256 through WebCrypto. Imported keys are cached by their point bytes: key
 * import costs about as much as a verification, and the same Intel CA keys recur in every quote.
 */
import { toHex } from '@confide/core';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const VERIFY = { name: 'ECDSA', hash: 'SHA-256' } as const;
const MAX_CACHED = 256;
const cache = new Map<string, Promise<CryptoKey>>();

/** Imports an uncompressed (65-byte) or raw x||y (64-byte) P-256 point, once per distinct key. */
export function importP256(point: Uint8Array): Promise<CryptoKey> {
  const raw = point.length === 64 ? withPrefix(point) : point;
  const id = toHex(raw);
  let key = cache.get(id);
  if (!key) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    key = crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, P256, false, ['verify']);
    // A point that is not on the curve must not poison the cache.
    key.catch(() => cache.delete(id));
    cache.set(id, key);
  }
  return key;
}

function withPrefix(xy: Uint8Array): Uint8Array {
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

const MAX_VERIFIED = 512;
const verified = new Map<string, true>();

function latin1(...parts: Uint8Array[]): string {
  let s = '';
  for (const p of parts) for (let i = 0; i < p.length; i += 4096) s += String.fromCharCode(...p.subarray(i, i + 4096));
  return s;
}

/**
 * As verifyP256, remembering successes by the exact (key, signature, data) bytes. For
 * certificates and CRLs, which recur unchanged across quotes (PCK CA, root, TCB signing
 * certificate, CRLs); a failure is never remembered, and any changed byte misses the cache.
 */
export async function verifyP256Recurring(point: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const id = latin1(point, signature, data);
  if (verified.has(id)) return true;
  const ok = await verifyP256(importP256(point), signature, data);
  if (ok) {
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
    verified.set(id, true);
  }
  return ok;
}
