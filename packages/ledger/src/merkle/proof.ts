/**
 * Inclusion proofs in CCF's receipt form: the siblings from the leaf up, each `{left}` or
 * `{right}` as it sits beside the running hash (CCF python/src/ccf/receipt.py, `root`).
 */
import { concatBytes } from '@confide/core';
import { sha256, webHashes, type LedgerHashes } from './hash.js';

/** One sibling on the path from a leaf to the root. */
export type ProofStep = { left: Uint8Array } | { right: Uint8Array };

/** The root a proof leads to, and the bytes whose SHA-256 it is (what the node key's signature covers). */
export interface FoldedRoot {
  root: Uint8Array;
  /** The last hashed concatenation: `left ‖ h` or `h ‖ right`, or the leaf's own preimage for an empty proof. */
  preimage: Uint8Array;
}

/**
 * Folds `proof` over the leaf whose preimage is given: h = SHA-256(preimage), then
 * `{left: L}` gives SHA-256(L ‖ h) and `{right: R}` SHA-256(h ‖ R).
 */
export async function foldProof(leafPreimage: Uint8Array, proof: readonly ProofStep[], hashes: LedgerHashes = webHashes): Promise<FoldedRoot> {
  let preimage = leafPreimage;
  let h = await sha256(preimage, hashes);
  for (const step of proof) {
    preimage = 'left' in step ? concatBytes(step.left, h) : concatBytes(h, step.right);
    h = await sha256(preimage, hashes);
  }
  return { root: h, preimage };
}
