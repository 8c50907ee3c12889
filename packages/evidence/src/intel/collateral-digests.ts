/**
 * The SHA-256 digests of exactly what an Intel quote was judged with, returned in its claims, so
 * that a caller (the MAA `x-ms-sgx-collateral` claim) needs no copy of the collateral. The
 * collateral's digests recur with every quote of a platform: remembered in the verification
 * cache by the exact input, under the primitives' scope.
 */
import { toHex, utf8 } from '@confide/core';
import type { IntelCollateralDigests } from '../claims.js';
import type { IntelCollateral } from '../collateral/types.js';
import { byteKey, sameBytes } from '../memo/cache.js';
import type { CachedCrypto } from '../webcrypto/p256.js';
import type { IntelQuote } from './quote-types.js';

/** A digest entry is charged its input (two bytes a character) plus this. */
const DIGEST_OVERHEAD_BYTES = 128;
/** The last bytes of a DER CRL (its signature) pick the slot; the full bytes decide a hit. */
const CRL_KEY_TAIL_BYTES = 64;

async function sha256Hex(cc: CachedCrypto, data: Uint8Array): Promise<string> {
  return toHex(await cc.primitives.sha256(data));
}

async function textDigest(cc: CachedCrypto, text: string): Promise<string> {
  const region = `sha256:${cc.scope}`;
  const hit = cc.cache.get<string>(region, text);
  if (hit !== undefined) return hit;
  const hex = await sha256Hex(cc, utf8(text));
  cc.cache.set(region, text, hex, text.length * 2 + DIGEST_OVERHEAD_BYTES);
  return hex;
}

async function bytesDigest(cc: CachedCrypto, bytes: Uint8Array): Promise<string> {
  const region = `sha256-bytes:${cc.scope}`;
  const id = byteKey(bytes.subarray(-CRL_KEY_TAIL_BYTES));
  const hit = cc.cache.get<{ bytes: Uint8Array; hex: string }>(region, id);
  if (hit !== undefined && sameBytes(hit.bytes, bytes)) return hit.hex;
  // Hashed from a copy, so that the entry describes exactly the bytes it holds.
  const copy = bytes.slice();
  const hex = await sha256Hex(cc, copy);
  cc.cache.set(region, id, { bytes: copy, hex }, copy.length + DIGEST_OVERHEAD_BYTES);
  return hex;
}

/** The digests of `quote` (its exact bytes) and of `col`. */
export async function intelCollateralDigests(quote: IntelQuote, col: IntelCollateral, cc: CachedCrypto): Promise<IntelCollateralDigests> {
  const [q, tcbInfo, qeIdentity, tcbInfoIssuerChain, qeIdentityIssuerChain, pckCrl, rootCaCrl] = await Promise.all([
    sha256Hex(cc, quote.raw),
    textDigest(cc, col.tcbInfo.body),
    textDigest(cc, col.qeIdentity.body),
    textDigest(cc, col.tcbInfo.issuerChain),
    textDigest(cc, col.qeIdentity.issuerChain),
    bytesDigest(cc, col.pckCrl),
    bytesDigest(cc, col.rootCaCrl),
  ]);
  return { quote: q, tcbInfo, qeIdentity, tcbInfoIssuerChain, qeIdentityIssuerChain, pckCrl, rootCaCrl };
}
