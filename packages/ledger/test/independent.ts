/**
 * An independent computation of CCF's tree, leaves and claims digest, written in the test from
 * the published rules with node:crypto, so the package is checked against something it does not
 * share code with:
 * - tree shape: microsoft/CCF 3rdparty/internal/merklecpp/merklecpp.h, continue_insertion_stack
 *   (a new leaf pairs with the root when the root's subtree is full, else it descends right);
 *   node hash SHA-256(left ‖ right) (python/src/ccf/receipt.py, `root`);
 * - leaf: SHA-256(write set digest ‖ SHA-256(commit evidence) ‖ claims digest) (receipt.py, verify_cose);
 * - claims digest: Azure/azure-sdk-for-python, sdk/confidentialledger/azure-confidentialledger/
 *   azure/confidentialledger/receipt/_claims_digest_computation.py.
 */
import { createHash, createHmac } from 'node:crypto';

export const H = (...parts: Uint8Array[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

interface Node {
  hash: Buffer;
  size: number;
  left?: Node;
  right?: Node;
}

const isFull = (n: Node): boolean => (n.size & (n.size - 1)) === 0;

/** The tree merklecpp builds from `leaves`, one insertion at a time. */
export function merklecppTree(leaves: Buffer[]): Node {
  let root: Node = { hash: leaves[0]!, size: 1 };
  for (const leaf of leaves.slice(1)) {
    const fresh: Node = { hash: leaf, size: 1 };
    const insert = (n: Node): Node => {
      if (isFull(n)) return { hash: H(n.hash, fresh.hash), size: n.size + 1, left: n, right: fresh };
      // Not full: the left child always is, so the leaf goes down the right.
      const right = insert(n.right!);
      return { hash: H(n.left!.hash, right.hash), size: n.size + 1, left: n.left!, right };
    };
    root = insert(root);
  }
  return root;
}

/** The receipt-form path of leaf `index` (leaf first), walking merklecpp's tree. */
export function merklecppPath(root: Node, index: number): { left?: string; right?: string }[] {
  const path: { left?: string; right?: string }[] = [];
  let n = root;
  let i = index;
  while (n.left && n.right) {
    if (i < n.left.size) {
      path.unshift({ right: n.right.hash.toString('hex') });
      n = n.left;
    } else {
      path.unshift({ left: n.left.hash.toString('hex') });
      i -= n.left.size;
      n = n.right;
    }
  }
  return path;
}

export function independentLeaf(writeSetDigest: string, commitEvidence: string, claimsDigest: string): Buffer {
  return H(Buffer.from(writeSetDigest, 'hex'), H(Buffer.from(commitEvidence, 'utf8')), Buffer.from(claimsDigest, 'hex'));
}

export function independentLedgerEntryClaimsDigest(entries: { collectionId: string; contents: string; secretKey: string }[]): string {
  const count = Buffer.alloc(4);
  count.writeUInt32LE(entries.length);
  const ds = entries.map((e) => {
    const key = Buffer.from(e.secretKey, 'base64');
    const inner = H(createHmac('sha256', key).update(e.collectionId).digest(), createHmac('sha256', key).update(e.contents).digest());
    return H(Buffer.from('LedgerEntryV1'), inner);
  });
  return H(count, ...ds).toString('hex');
}
