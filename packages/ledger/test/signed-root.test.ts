/** Two signed roots of one ledger are consistent; a rewritten ledger's later root is not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { verifySignedRoot, verifySignedRootsConsistent } from '../src/index.js';
import { ccfPki, signedRootOf, testEntries, treeOf } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('signed roots', () => {
  it('verify, and a later one proves it extends an earlier one', async () => {
    const pki = await ccfPki();
    const entries = await testEntries(9);
    const tree = await treeOf(entries);
    for (const [from, to] of [[1, 9], [4, 9], [5, 7], [9, 9]] as const) {
      const early = await signedRootOf(pki, tree, entries, from);
      const late = await signedRootOf(pki, tree, entries, to);
      assert.equal(hex(await verifySignedRoot(early, pki.identity.pem)), hex(await tree.root(from)));
      const proof = (await tree.consistencyProof(from, to)).map(hex);
      const got = await verifySignedRootsConsistent(early, late, proof, pki.identity.pem);
      assert.equal(got.laterRoot, hex(await tree.root(to)));
    }
  });

  it('refuse a history rewritten before the earlier root, a forged signature, and a foreign node', async () => {
    const pki = await ccfPki();
    const entries = await testEntries(9);
    const tree = await treeOf(entries);
    const rewrittenEntries = entries.map((e, i) => (i === 2 ? { ...e, writeSetDigest: 'ab'.repeat(32) } : e));
    const rewritten = await treeOf(rewrittenEntries);
    const early = await signedRootOf(pki, tree, entries, 4);
    const late = await signedRootOf(pki, rewritten, rewrittenEntries, 9);
    await verifySignedRoot(late, pki.identity.pem); // the operator can sign anything...
    const proof = (await rewritten.consistencyProof(4, 9)).map(hex);
    await rejectsWithCode(verifySignedRootsConsistent(early, late, proof, pki.identity.pem), 'ERR_LEDGER_INCONSISTENT'); // ...but not make it extend what it signed before
    const forged = { ...early, rootPreimage: late.rootPreimage };
    await rejectsWithCode(verifySignedRoot(forged, pki.identity.pem), 'ERR_LEDGER_RECEIPT_INVALID', { reason: 'signature' });
    const other = await ccfPki();
    await rejectsWithCode(verifySignedRoot(await signedRootOf(other, tree, entries, 4), pki.identity.pem), 'ERR_LEDGER_ENDORSEMENT_INVALID');
  });
});
