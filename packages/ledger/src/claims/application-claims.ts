/**
 * The Confidential Ledger's application claims and their digest, which goes into the leaf as its
 * claims digest (the Azure SDK for Python, azure/confidentialledger/receipt/_claims_digest_computation.py):
 * claimsDigest = SHA-256(uint32le(count) ‖ d1 ‖ d2 …), where a `LedgerEntry` claim of protocol
 * `LedgerEntryV1` gives d = SHA-256("LedgerEntryV1" ‖ SHA-256(HMAC(key, collectionId) ‖
 * HMAC(key, contents))) and a `ClaimDigest` claim gives d = SHA-256(protocol ‖ value).
 */
import { fromBase64, fromHex, toBase64 } from '@confide/core';
import { malformed } from '../json/strict.js';
import { hmacOf, sha256Of, webHashes, type LedgerHashes } from '../merkle/hash.js';
import { all, then, type Maybe } from '../merkle/maybe.js';

export const LEDGER_ENTRY_V1 = 'LedgerEntryV1';

/** An entry as written, with the per-entry secret that blinds it (base64), as the service returns it. */
export interface LedgerEntryClaim {
  kind: 'LedgerEntry';
  ledgerEntry: { collectionId: string; contents: string; protocol: string; secretKey: string };
}

/** A digest the application computed itself (hex), under a protocol name. */
export interface DigestClaim {
  kind: 'ClaimDigest';
  digest: { protocol: string; value: string };
}

export type ApplicationClaim = LedgerEntryClaim | DigestClaim;

/** SHA-256(HMAC(key, collectionId) ‖ HMAC(key, contents)): the LedgerEntryV1 digest before its protocol is prefixed. */
export async function ledgerEntryV1Digest(secretKey: Uint8Array, collectionId: string, contents: string, hashes: LedgerHashes = webHashes): Promise<Uint8Array> {
  return v1DigestOf(secretKey, collectionId, contents, hashes);
}

function v1DigestOf(secretKey: Uint8Array, collectionId: string, contents: string, hashes: LedgerHashes): Maybe<Uint8Array> {
  return then(all([hmacOf(hashes, secretKey, collectionId), hmacOf(hashes, secretKey, contents)]), ([c, d]) => sha256Of(hashes, c!, d!));
}

/** The digest of one LedgerEntryV1 claim: SHA-256("LedgerEntryV1" ‖ its V1 digest). */
function entryClaimDigestOf(secretKey: Uint8Array, collectionId: string, contents: string, hashes: LedgerHashes): Maybe<Uint8Array> {
  return then(v1DigestOf(secretKey, collectionId, contents, hashes), (d) => sha256Of(hashes, LEDGER_ENTRY_V1, d));
}

/** SHA-256(uint32le(count) ‖ d1 ‖ d2 …). */
function foldDigests(digests: Maybe<Uint8Array>[], hashes: LedgerHashes): Maybe<Uint8Array> {
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, digests.length, true);
  return then(all(digests), (ds) => sha256Of(hashes, count, ...ds));
}

/**
 * The claims digest of a single LedgerEntryV1 claim whose key the caller holds as bytes (the
 * writer's path: no base64 round trip); synchronous with synchronous hashes.
 */
export function ledgerEntryClaimsDigest(secretKey: Uint8Array, collectionId: string, contents: string, hashes: LedgerHashes): Maybe<Uint8Array> {
  return foldDigests([entryClaimDigestOf(secretKey, collectionId, contents, hashes)], hashes);
}

/** The key of a claim, refused unless it is canonical base64 of at least one byte (so no other text stands for the same key). */
function secretKeyOf(text: string, field: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64(text);
  } catch {
    throw malformed(field, 'not base64');
  }
  if (key.length === 0 || toBase64(key) !== text) throw malformed(field, 'not canonical base64 of a non-empty key');
  return key;
}

function claimDigestOf(claim: ApplicationClaim, at: string, hashes: LedgerHashes): Maybe<Uint8Array> {
  if (claim.kind === 'LedgerEntry') {
    const e = claim.ledgerEntry;
    if (e.protocol !== LEDGER_ENTRY_V1) throw malformed(`${at}.ledgerEntry.protocol`, `unsupported protocol ${JSON.stringify(e.protocol)}`);
    return entryClaimDigestOf(secretKeyOf(e.secretKey, `${at}.ledgerEntry.secretKey`), e.collectionId, e.contents, hashes);
  }
  if (!/^(?:[0-9a-f]{2})*$/.test(claim.digest.value)) throw malformed(`${at}.digest.value`, 'not lower-case hex');
  return sha256Of(hashes, claim.digest.protocol, fromHex(claim.digest.value));
}

/** The claims digest of `claims` (checked with parseApplicationClaims first). */
export async function claimsDigest(claims: readonly ApplicationClaim[], hashes: LedgerHashes = webHashes): Promise<Uint8Array> {
  return foldDigests(claims.map((c, i) => claimDigestOf(c, `applicationClaims[${i}]`, hashes)), hashes);
}
