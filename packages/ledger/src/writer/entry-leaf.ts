/**
 * An entry's write-set digest, claims digest and leaf hashed in one scratch buffer, with the
 * synchronous "into" hashes a Node writer is given (LedgerCrypto.sha256PartsInto, hmacSha256Into):
 * the same values as entryDigests (records.ts) and leafHashOf (leaf/leaf.ts), which make an array
 * per hash, and an append makes ten. Each hash writes its digest where the next one reads its
 * preimage, so the chain needs no concatenation either.
 */
import { LEDGER_ENTRY_V1 } from '../claims/application-claims.js';
import type { LedgerCrypto } from './types.js';

/**
 * What an entry's leaf gives the writer: its digests and the leaf for the tree, as views of the
 * hasher's scratch buffer in one object that every call reuses: read them before the next call.
 */
export interface EntryLeaf {
  readonly writeSetDigest: Uint8Array;
  readonly claimsDigest: Uint8Array;
  readonly leaf: Uint8Array;
}

export type EntryLeafHasher = (collectionId: string, contents: string, key: Uint8Array, commitEvidence: string) => EntryLeaf;

// The scratch buffer, in the order the hashes run (application-claims.ts has the formulas):
/** HMAC(key, collectionId) ‖ HMAC(key, contents): the LedgerEntryV1 digest's preimage. */
const HMACS = 0;
/** "LedgerEntryV1" ‖ V1 digest: the claim's digest's preimage. */
const PROTOCOL = 64;
const V1 = PROTOCOL + LEDGER_ENTRY_V1.length;
/** uint32le(1) ‖ the claim's digest: the claims digest's preimage (one claim). */
const COUNT = V1 + 32;
const CLAIM = COUNT + 4;
/** Write-set digest ‖ SHA-256(commit evidence) ‖ claims digest: the leaf's preimage. */
const LEAF_PREIMAGE = CLAIM + 32;
const WRITE_SET = LEAF_PREIMAGE;
const COMMIT_EVIDENCE = LEAF_PREIMAGE + 32;
const CLAIMS = LEAF_PREIMAGE + 64;
const LEAF = LEAF_PREIMAGE + 96;
const SIZE = LEAF + 32;

/** The hasher over `crypto`'s "into" hashes; undefined when it has none (the writer then takes the general path). */
export function entryLeafHasher(crypto: LedgerCrypto): EntryLeafHasher | undefined {
  const { sha256PartsInto: partsInto, hmacSha256Into: hmacInto } = crypto;
  if (!partsInto || !hmacInto) return undefined;
  const s = new Uint8Array(SIZE);
  for (let i = 0; i < LEDGER_ENTRY_V1.length; i++) s[PROTOCOL + i] = LEDGER_ENTRY_V1.charCodeAt(i);
  new DataView(s.buffer).setUint32(COUNT, 1, true);
  const v1Preimage = [s.subarray(HMACS, PROTOCOL)];
  const claimPreimage = [s.subarray(PROTOCOL, COUNT)];
  const claimsPreimage = [s.subarray(COUNT, LEAF_PREIMAGE)];
  const leafPreimage = [s.subarray(LEAF_PREIMAGE, LEAF)];
  const done: EntryLeaf = { writeSetDigest: s.subarray(WRITE_SET, WRITE_SET + 32), claimsDigest: s.subarray(CLAIMS, CLAIMS + 32), leaf: s.subarray(LEAF, SIZE) };
  return (collectionId, contents, key, commitEvidence) => {
    hmacInto.call(crypto, key, collectionId, s, HMACS);
    hmacInto.call(crypto, key, contents, s, HMACS + 32);
    partsInto.call(crypto, v1Preimage, s, V1);
    partsInto.call(crypto, claimPreimage, s, CLAIM);
    partsInto.call(crypto, claimsPreimage, s, CLAIMS);
    partsInto.call(crypto, [JSON.stringify([collectionId, contents])], s, WRITE_SET);
    partsInto.call(crypto, [commitEvidence], s, COMMIT_EVIDENCE);
    partsInto.call(crypto, leafPreimage, s, LEAF);
    return done;
  };
}
