/**
 * A ledger leaf as CCF computes it: SHA-256(write-set digest ‖ SHA-256(commit evidence) ‖ claims
 * digest) (CCF doc/use_apps/verify_tx.rst; python/src/ccf/receipt.py).
 */
import { concatBytes } from '@confide/core';
import { sha256Of, webHashes, type LedgerHashes } from '../merkle/hash.js';
import { then, type Maybe } from '../merkle/maybe.js';

/** The three parts a leaf is hashed from, as a receipt's `leafComponents` carries them. */
export interface LeafComponents {
  /** 32 bytes: the digest of the transaction's write set. */
  writeSetDigest: Uint8Array;
  /** `ce:view.seqno:hex`. */
  commitEvidence: string;
  /** 32 bytes: the digest of the application claims, zeros when there are none. */
  claimsDigest: Uint8Array;
}

/** The bytes whose SHA-256 is the leaf. */
export async function leafPreimage(c: LeafComponents, hashes: LedgerHashes = webHashes): Promise<Uint8Array> {
  return leafPreimageOf(c, hashes);
}

/** leafPreimage, synchronous with synchronous hashes. */
export function leafPreimageOf(c: LeafComponents, hashes: LedgerHashes): Maybe<Uint8Array> {
  return then(sha256Of(hashes, c.commitEvidence), (ce) => concatBytes(c.writeSetDigest, ce, c.claimsDigest));
}

/** The leaf hash. */
export async function leafHash(c: LeafComponents, hashes: LedgerHashes = webHashes): Promise<Uint8Array> {
  return leafHashOf(c, hashes);
}

/** leafHash, synchronous with synchronous hashes. */
export function leafHashOf(c: LeafComponents, hashes: LedgerHashes): Maybe<Uint8Array> {
  return then(sha256Of(hashes, c.commitEvidence), (ce) => sha256Of(hashes, c.writeSetDigest, ce, c.claimsDigest));
}
