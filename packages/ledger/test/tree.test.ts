/** The package's tree against merklecpp's insertion rule, computed independently (test/independent.ts). */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { MerkleTree, foldProof, verifyConsistency } from '../src/index.js';
import { H, merklecppPath, merklecppTree } from './independent.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const asJson = (p: ({ left: Uint8Array } | { right: Uint8Array })[]) => p.map((s) => ('left' in s ? { left: hex(s.left) } : { right: hex(s.right) }));

describe('Merkle tree as CCF builds it', () => {
  it('has merklecpp\'s root and every leaf\'s proof, at every size from 1 to 33', async () => {
    const leaves = Array.from({ length: 33 }, () => randomBytes(32));
    const tree = new MerkleTree();
    for (let n = 1; n <= leaves.length; n++) {
      await tree.append(leaves[n - 1]!);
      const expected = merklecppTree(leaves.slice(0, n));
      assert.equal(hex(await tree.root()), expected.hash.toString('hex'), `root of ${n}`);
      for (let i = 0; i < n; i++) {
        const proof = await tree.inclusionProof(i);
        assert.deepEqual(asJson(proof), merklecppPath(expected, i), `proof of ${i} in ${n}`);
      }
    }
  });

  it('hashing synchronously, into its rows or not, it has merklecpp\'s roots and proofs as its rows grow (sizes up to 300)', async () => {
    const leaves = Array.from({ length: 300 }, () => randomBytes(32));
    const sha256 = (d: Uint8Array) => createHash('sha256').update(d).digest();
    const into = new MerkleTree({ sha256, sha256Into: (d, out, offset) => out.set(sha256(d), offset) });
    const plain = new MerkleTree({ sha256 });
    for (const [n, leaf] of leaves.entries()) {
      // A leaf that the caller reuses afterwards must not change the tree: it is copied in.
      const reused = Buffer.from(leaf);
      await into.append(reused);
      await plain.append(leaf);
      reused.fill(0);
      if (![1, 2, 15, 16, 17, 31, 32, 33, 64, 65, 255, 256, 257, 300].includes(n + 1)) continue;
      const expected = merklecppTree(leaves.slice(0, n + 1));
      for (const tree of [into, plain]) {
        assert.equal(hex(await tree.root()), expected.hash.toString('hex'), `root of ${n + 1}`);
        for (const i of [0, n >> 1, n]) assert.deepEqual(asJson(await tree.inclusionProof(i)), merklecppPath(expected, i), `proof of ${i} in ${n + 1}`);
      }
    }
  });

  it('keeps every earlier size: the root and proofs of size m after more appends', async () => {
    const leaves = Array.from({ length: 21 }, () => randomBytes(32));
    const tree = new MerkleTree();
    await Promise.all(leaves.map((l) => tree.append(l))); // concurrent appends land in order
    for (const m of [1, 2, 3, 7, 8, 13, 21]) {
      const expected = merklecppTree(leaves.slice(0, m));
      assert.equal(hex(await tree.root(m)), expected.hash.toString('hex'));
      const proof = await tree.inclusionProof(m - 1, m);
      assert.deepEqual(asJson(proof), merklecppPath(expected, m - 1));
    }
  });

  it('uses leaves as they are and plain SHA-256(left ‖ right) nodes (no RFC 6962 prefixes)', async () => {
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const tree = new MerkleTree();
    await tree.append(a);
    assert.equal(hex(await tree.root()), a.toString('hex'));
    await tree.append(b);
    await tree.append(c);
    assert.equal(hex(await tree.root()), H(H(a, b), c).toString('hex'));
  });

  it('refuses proofs for leaves and sizes it does not have', async () => {
    const tree = new MerkleTree();
    await rejectsWithCode(tree.root(), 'ERR_LEDGER_PROOF_RANGE');
    await tree.append(randomBytes(32));
    await rejectsWithCode(tree.inclusionProof(1), 'ERR_LEDGER_PROOF_RANGE');
    await rejectsWithCode(tree.inclusionProof(0, 2), 'ERR_LEDGER_PROOF_RANGE');
    await rejectsWithCode(tree.consistencyProof(2, 1), 'ERR_LEDGER_PROOF_RANGE');
  });

  it('folds a proof back to the root', async () => {
    const leaves = Array.from({ length: 11 }, () => randomBytes(64));
    const tree = new MerkleTree();
    for (const l of leaves) await tree.append(H(l));
    for (let i = 0; i < leaves.length; i++) {
      const { root } = await foldProof(leaves[i]!, await tree.inclusionProof(i));
      assert.deepEqual(root, await tree.root());
    }
  });
});

describe('consistency between two roots', () => {
  it('proves every size m extends every size k <= m, up to 20 leaves', async () => {
    const tree = new MerkleTree();
    for (let i = 0; i < 20; i++) await tree.append(randomBytes(32));
    for (let m = 1; m <= 20; m++) {
      for (let k = 1; k <= m; k++) {
        const proof = await tree.consistencyProof(k, m);
        await verifyConsistency({ size: k, root: await tree.root(k) }, { size: m, root: await tree.root(m) }, proof);
      }
    }
  });

  it('refuses a rewritten history, a wrong size, a changed or shortened proof', async () => {
    const leaves = Array.from({ length: 13 }, () => randomBytes(32));
    const tree = new MerkleTree();
    for (const l of leaves) await tree.append(l);
    const rewritten = new MerkleTree();
    for (const [i, l] of leaves.entries()) await rewritten.append(i === 4 ? randomBytes(32) : l);
    const early = { size: 6, root: await tree.root(6) };
    const late = { size: 13, root: await tree.root(13) };
    const proof = await tree.consistencyProof(6, 13);
    await verifyConsistency(early, late, proof);
    await rejectsWithCode(verifyConsistency(early, { size: 13, root: await rewritten.root() }, proof), 'ERR_LEDGER_INCONSISTENT');
    await rejectsWithCode(verifyConsistency({ size: 6, root: await rewritten.root(6) }, late, await rewritten.consistencyProof(6, 13)), 'ERR_LEDGER_INCONSISTENT');
    await rejectsWithCode(verifyConsistency({ size: 7, root: early.root }, late, proof), 'ERR_LEDGER_INCONSISTENT');
    // A size of another shape does not fit the proof. (Sizes 9 to 16 give a proof of the same shape
    // as 13 and are not caught by the hashes: what binds a root to its size is the signed statement.)
    for (const size of [7, 8, 17]) await rejectsWithCode(verifyConsistency(early, { size, root: late.root }, proof), 'ERR_LEDGER_INCONSISTENT');
    await rejectsWithCode(verifyConsistency(late, early, proof), 'ERR_LEDGER_INCONSISTENT', { reason: 'sizes go backwards or are not positive' });
    await rejectsWithCode(verifyConsistency(early, late, proof.slice(0, -1)), 'ERR_LEDGER_INCONSISTENT');
    await rejectsWithCode(verifyConsistency(early, late, [...proof, randomBytes(32)]), 'ERR_LEDGER_INCONSISTENT');
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((p) => Uint8Array.from(p));
      bad[i]![0]! ^= 1;
      await rejectsWithCode(verifyConsistency(early, late, bad), 'ERR_LEDGER_INCONSISTENT');
    }
  });
});
