/**
 * The Confidential Ledger's application claims and their digest, which goes into the leaf as its
 * claims digest (the Azure SDK for Python, azure/confidentialledger/receipt/_claims_digest_computation.py):
 * claimsDigest = SHA-256(uint32le(count) ‖ d1 ‖ d2 …), where a `LedgerEntry` claim of protocol
 * `LedgerEntryV1` gives d = SHA-256("LedgerEntryV1" ‖ SHA-256(HMAC(key, collectionId) ‖
 * HMAC(key, contents))) and a `ClaimDigest` claim gives d = SHA-256(protocol ‖ value).
 */
import { concatBytes, fromBase64, fromHex, toBase64, utf8 } from '@confide/core';
import { malformed } from '../json/strict.js';
import { sha256, webHashes, type LedgerHashes } from '../merkle/hash.js';

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
  const [c, d] = await Promise.all([hashes.hmacSha256(secretKey, utf8(collectionId)), hashes.hmacSha256(secretKey, utf8(contents))]);
  return sha256(concatBytes(c, d), hashes);
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

async function claimDigest(claim: ApplicationClaim, at: string, hashes: LedgerHashes): Promise<Uint8Array> {
  if (claim.kind === 'LedgerEntry') {
    const e = claim.ledgerEntry;
    if (e.protocol !== LEDGER_ENTRY_V1) throw malformed(`${at}.ledgerEntry.protocol`, `unsupported protocol ${JSON.stringify(e.protocol)}`);
    const d = await ledgerEntryV1Digest(secretKeyOf(e.secretKey, `${at}.ledgerEntry.secretKey`), e.collectionId, e.contents, hashes);
    return sha256(concatBytes(utf8(e.protocol), d), hashes);
  }
  if (!/^(?:[0-9a-f]{2})*$/.test(claim.digest.value)) throw malformed(`${at}.digest.value`, 'not lower-case hex');
  return sha256(concatBytes(utf8(claim.digest.protocol), fromHex(claim.digest.value)), hashes);
}

/** The claims digest of `claims` (checked with parseApplicationClaims first). */
export async function claimsDigest(claims: readonly ApplicationClaim[], hashes: LedgerHashes = webHashes): Promise<Uint8Array> {
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, claims.length, true);
  const digests = await Promise.all(claims.map((c, i) => claimDigest(c, `applicationClaims[${i}]`, hashes)));
  return sha256(concatBytes(count, ...digests), hashes);
}
