/**
 * The SHA-256 digests of exactly what an Intel quote was judged with, returned in its claims, so
 * that a caller (the MAA `x-ms-sgx-collateral` claim) needs no copy of the collateral. The
 * collateral's six digests recur with every quote of a platform: remembered in the verification
 * cache as one entry, under the primitives' scope, and reused only while every input is still
 * exactly what was hashed. The quote's own digest is computed for every quote.
 */
import { toHex, utf8 } from '@confide/core';
import type { IntelCollateralDigests } from '../claims.js';
import type { IntelCollateral } from '../collateral/types.js';
import { sameBytes } from '../memo/cache.js';
import type { CachedCrypto } from '../webcrypto/p256.js';
import type { IntelQuote } from './quote-types.js';

/** An entry is charged its inputs (two bytes a character for texts) plus this. */
const DIGEST_OVERHEAD_BYTES = 512;

type CollateralOnly = Omit<IntelCollateralDigests, 'quote'>;

/** The hashed inputs (CRLs copied, so the entry describes exactly the bytes it holds) and their digests. */
interface DigestEntry {
  tcbInfo: string;
  qeIdentity: string;
  tcbInfoIssuerChain: string;
  qeIdentityIssuerChain: string;
  pckCrl: Uint8Array;
  rootCaCrl: Uint8Array;
  digests: CollateralOnly;
}

async function sha256Hex(cc: CachedCrypto, data: Uint8Array): Promise<string> {
  const digest = cc.primitives.sha256(data);
  return toHex(digest instanceof Uint8Array ? digest : await digest);
}

/**
 * The quote's digest, started at once: a verifier starts it beside the quote's signature checks,
 * so that asynchronous primitives (WebCrypto) compute it in the same round trip to their threads.
 */
export function quoteDigest(quote: IntelQuote, cc: CachedCrypto): Promise<string> {
  const pending = sha256Hex(cc, quote.raw);
  // Awaited only when the quote verifies; a failure before that must not surface as unhandled.
  pending.catch(() => undefined);
  return pending;
}

function sameInputs(e: DigestEntry, col: IntelCollateral): boolean {
  // Texts compare by value (the same string object at once); CRLs byte by byte, since a caller's bytes may change in place.
  return (
    e.tcbInfo === col.tcbInfo.body &&
    e.qeIdentity === col.qeIdentity.body &&
    e.tcbInfoIssuerChain === col.tcbInfo.issuerChain &&
    e.qeIdentityIssuerChain === col.qeIdentity.issuerChain &&
    sameBytes(e.pckCrl, col.pckCrl) &&
    sameBytes(e.rootCaCrl, col.rootCaCrl)
  );
}

async function hashCollateral(col: IntelCollateral, cc: CachedCrypto): Promise<CollateralOnly> {
  const entry: Omit<DigestEntry, 'digests'> = {
    tcbInfo: col.tcbInfo.body,
    qeIdentity: col.qeIdentity.body,
    tcbInfoIssuerChain: col.tcbInfo.issuerChain,
    qeIdentityIssuerChain: col.qeIdentity.issuerChain,
    pckCrl: col.pckCrl.slice(),
    rootCaCrl: col.rootCaCrl.slice(),
  };
  const [tcbInfo, qeIdentity, tcbInfoIssuerChain, qeIdentityIssuerChain, pckCrl, rootCaCrl] = await Promise.all([
    sha256Hex(cc, utf8(entry.tcbInfo)),
    sha256Hex(cc, utf8(entry.qeIdentity)),
    sha256Hex(cc, utf8(entry.tcbInfoIssuerChain)),
    sha256Hex(cc, utf8(entry.qeIdentityIssuerChain)),
    sha256Hex(cc, entry.pckCrl),
    sha256Hex(cc, entry.rootCaCrl),
  ]);
  const digests = { tcbInfo, qeIdentity, tcbInfoIssuerChain, qeIdentityIssuerChain, pckCrl, rootCaCrl };
  const texts = entry.tcbInfo.length + entry.qeIdentity.length + entry.tcbInfoIssuerChain.length + entry.qeIdentityIssuerChain.length;
  // Keyed by the TCB Info text (one per platform model); the entry decides a hit on every input.
  cc.cache.set(cc.regions.digests, entry.tcbInfo, { ...entry, digests }, texts * 2 + entry.pckCrl.length + entry.rootCaCrl.length + DIGEST_OVERHEAD_BYTES);
  return digests;
}

/** The digests of `quote` (its exact bytes; `started` when quoteDigest began it) and of `col`. */
export async function intelCollateralDigests(
  quote: IntelQuote,
  col: IntelCollateral,
  cc: CachedCrypto,
  started: Promise<string> = quoteDigest(quote, cc),
): Promise<IntelCollateralDigests> {
  const hit = cc.cache.get<DigestEntry>(cc.regions.digests, col.tcbInfo.body);
  const c = hit !== undefined && sameInputs(hit, col) ? hit.digests : await hashCollateral(col, cc);
  return {
    quote: await started,
    tcbInfo: c.tcbInfo,
    qeIdentity: c.qeIdentity,
    tcbInfoIssuerChain: c.tcbInfoIssuerChain,
    qeIdentityIssuerChain: c.qeIdentityIssuerChain,
    pckCrl: c.pckCrl,
    rootCaCrl: c.rootCaCrl,
  };
}
