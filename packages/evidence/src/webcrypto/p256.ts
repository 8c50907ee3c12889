/**
 * ECDSA P-256 / SHA-256, through WebCrypto unless the caller brings its own primitives
 * (VerifyContext.crypto). Imported keys are cached by their point bytes: key import costs about
 * as much as a verification, and the same Intel CA keys recur in every quote.
 */
import { digest } from '@confide/core';
import type { VerifyContext, VerifyCrypto } from '../types.js';
import { byteKey, sameBytes } from '../memo/cache.js';
import { defaultVerifyCache, WEBCRYPTO_SCOPE, type VerifyCache } from '../memo/verify-cache.js';
import { importKeyCached } from './key-cache.js';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const VERIFY = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Imports an uncompressed (65-byte) or raw x||y (64-byte) P-256 point, once per distinct key. */
function importP256(point: Uint8Array, cache: VerifyCache = defaultVerifyCache): Promise<CryptoKey> {
  const raw = uncompressedPoint(point);
  return importKeyCached(cache, 'p256', raw, () => crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, P256, false, ['verify']));
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

/** The primitives on WebCrypto, importing keys through `cache`. */
function webCrypto(cache: VerifyCache): VerifyCrypto {
  return {
    sha256: (data) => digest('SHA-256', data),
    verifyP256: (point, signature, data) => verifyP256(importP256(point, cache), signature, data),
  };
}

/** The primitives on WebCrypto over the default cache: what a verifier uses when VerifyContext.crypto is not given. */
export const webCryptoPrimitives: VerifyCrypto = webCrypto(defaultVerifyCache);

/** Names of the cache regions one crypto scope keeps its verdicts in. */
export interface ScopeRegions {
  /** ECDSA P-256 signatures (verifyP256Recurring). */
  p256: string;
  /** Signed JSON collateral (TCB Info, QE Identity). */
  json: string;
  /** Certificate chains whose every link verified, by their exact PEM text. */
  chain: string;
  /** SHA-256 digests of collateral. */
  digests: string;
  /** Certificate signatures of TPM attestation-key chains. */
  tpmCertificates: string;
}

/** The primitives of one verification with the cache they share and the scope their verdicts are kept under. */
export interface CachedCrypto {
  primitives: VerifyCrypto;
  cache: VerifyCache;
  /** Verdicts of `primitives` are stored and read under this scope only. */
  scope: string;
  /** This scope's region names, built once: a lookup then hashes no new string. */
  regions: ScopeRegions;
}

function cachedCryptoOf(primitives: VerifyCrypto, cache: VerifyCache, scope: string): CachedCrypto {
  const regions = { p256: `p256:${scope}`, json: `json:${scope}`, chain: `chain-ok:${scope}`, digests: `digests:${scope}`, tpmCertificates: `verdict:${scope}:tpm-cert` };
  return Object.freeze({ primitives, cache, scope, regions: Object.freeze(regions) });
}

/**
 * The primitives and cache a context asks for (WebCrypto and the default cache when it names
 * none); one object per (cache, primitives) pair, made once.
 */
export function cachedCrypto(ctx: Pick<VerifyContext, 'crypto' | 'cache'> = {}): CachedCrypto {
  const cache = ctx.cache ?? defaultVerifyCache;
  const own = ctx.crypto;
  if (own) return cache.derived(own, 'cached-crypto', () => cachedCryptoOf(own, cache, cache.scope(own)));
  return cache.derived(webCryptoPrimitives, 'cached-crypto', () =>
    cachedCryptoOf(cache === defaultVerifyCache ? webCryptoPrimitives : webCrypto(cache), cache, WEBCRYPTO_SCOPE),
  );
}

/** What a remembered verdict is charged besides the bytes it holds. */
const VERDICT_OVERHEAD_BYTES = 128;

/**
 * As verifyP256, remembering successes by the exact (key, signature, data) bytes under the
 * primitives' scope. For certificates, CRLs and signed collateral, which recur unchanged across
 * quotes (PCK CA, root, TCB signing certificate, CRLs, TCB Info); a failure is never remembered,
 * and any changed byte misses the cache.
 */
export async function verifyP256Recurring(point: Uint8Array, signature: Uint8Array, data: Uint8Array, cc: CachedCrypto = cachedCrypto()): Promise<boolean> {
  const region = cc.regions.p256;
  const id = byteKey(signature);
  const hit = cc.cache.get<{ point: Uint8Array; data: Uint8Array }>(region, id);
  if (hit !== undefined && sameBytes(hit.point, point) && sameBytes(hit.data, data)) return true;
  // Copies: the caller's buffers may be reused or changed after this check.
  const entry = { point: point.slice(), data: data.slice() };
  const ok = await cc.primitives.verifyP256(entry.point, signature, entry.data);
  if (ok === true) cc.cache.set(region, id, entry, entry.point.length + entry.data.length + signature.length + VERDICT_OVERHEAD_BYTES);
  return ok === true;
}
