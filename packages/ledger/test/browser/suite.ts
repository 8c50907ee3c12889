/**
 * The ledger suite that runs in Chromium as well as in Node (test/browser.test.ts): receipts
 * verified under a service identity, and a tree's roots and proofs, importing only the package
 * and core.
 */
import { isConfideError, toHex } from '@confide/core';
import { MerkleTree, verifyReceipt } from '@confide/ledger';

export interface LedgerCase {
  receipts: string[];
  identity: string;
  /** Hex leaves for a tree whose roots and last proof come back. */
  leaves: string[];
}

/** Each receipt's verification (root, node id, transaction) or its error code, then the tree's roots. */
export async function ledgerCases(c: LedgerCase): Promise<unknown> {
  const receipts: unknown[] = [];
  for (const text of c.receipts) {
    try {
      const r = await verifyReceipt(text, { serviceIdentity: c.identity });
      receipts.push({ root: r.root, nodeId: r.nodeId, transactionId: r.transactionId, claimsChecked: r.claimsChecked });
    } catch (err) {
      if (!isConfideError(err)) throw err;
      receipts.push({ code: err.code, reason: err.details?.reason, field: err.details?.field });
    }
  }
  const tree = new MerkleTree();
  const roots: string[] = [];
  for (const leaf of c.leaves) {
    await tree.append(Uint8Array.from(leaf.match(/../g)!.map((h) => parseInt(h, 16))));
    roots.push(toHex(await tree.root()));
  }
  const proof = (await tree.inclusionProof(0)).map((s) => ('left' in s ? { left: toHex(s.left) } : { right: toHex(s.right) }));
  return { receipts, roots, proof, consistency: (await tree.consistencyProof(3)).map(toHex) };
}
