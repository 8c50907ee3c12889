/**
 * Receipts signed by our own test PKI verify with the package and with an independent check
 * written here from CCF's rules (python/src/ccf/receipt.py: root, verify, check_endorsements),
 * and every single-bit change to a receipt document is refused.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { isConfideError } from '@confide/core';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { createEndorsementCache, parseServiceIdentity, verifyReceipt } from '../src/index.js';
import { ccfPki, receiptFor, signPreimage, testEntries, treeOf, type CcfPki, type TestEntry } from './helpers.js';
import { H, independentLeaf } from './independent.js';
import type { MerkleTree } from '../src/index.js';

type Doc = Awaited<ReturnType<typeof receiptFor>>;

/** Synchronous hashes by node:crypto, as a Node relying party passes them (verifyReceipt's hashes option). */
const nodeHashes = {
  sha256: (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest()),
  hmacSha256: (k: Uint8Array, d: Uint8Array) => new Uint8Array(createHmac('sha256', k).update(d).digest()),
};

/** CCF's verification, by node:crypto: fold the proof, check the signature over the root's preimage, then each endorsement. */
function independentVerify(doc: Doc, identityPem: string): string {
  const r = doc.receipt;
  let h = independentLeaf(r.leafComponents.writeSetDigest, r.leafComponents.commitEvidence, r.leafComponents.claimsDigest);
  let preimage = Buffer.concat([Buffer.from(r.leafComponents.writeSetDigest, 'hex'), H(Buffer.from(r.leafComponents.commitEvidence)), Buffer.from(r.leafComponents.claimsDigest, 'hex')]);
  for (const step of r.proof) {
    preimage = 'left' in step ? Buffer.concat([Buffer.from(step.left!, 'hex'), h]) : Buffer.concat([h, Buffer.from(step.right!, 'hex')]);
    h = H(preimage);
  }
  const node = new X509Certificate(r.cert);
  assert.ok(verify('sha256', preimage, createPublicKey(r.cert), Buffer.from(r.signature, 'base64')), 'root signature');
  const chain = [node, ...r.serviceEndorsements.map((p) => new X509Certificate(p)), new X509Certificate(identityPem)];
  for (let i = 0; i + 1 < chain.length; i++) assert.ok(chain[i]!.verify(chain[i + 1]!.publicKey), `endorsement ${i}`);
  assert.equal(H(node.publicKey.export({ type: 'spki', format: 'der' })).toString('hex'), r.nodeId);
  return h.toString('hex');
}

describe('receipts from our own test PKI', () => {
  let pki: CcfPki;
  let entries: TestEntry[];
  let tree: MerkleTree;
  before(async () => {
    pki = await ccfPki();
    entries = await testEntries(12);
    tree = await treeOf(entries);
  });

  it('verify for every entry, at every signed size, the same as the independent check', async () => {
    for (const size of [1, 5, 12]) {
      const root = Buffer.from(await tree.root(size)).toString('hex');
      for (let i = 0; i < size; i++) {
        const doc = await receiptFor(pki, tree, entries, i, size);
        const got = await verifyReceipt(JSON.stringify(doc), { serviceIdentity: pki.identity.pem });
        assert.equal(got.root, root);
        assert.equal(independentVerify(doc, pki.identity.pem), root);
        assert.equal(got.transactionId, `2.${i + 1}`);
        assert.equal(got.claimsChecked, entries[i]!.applicationClaims !== undefined);
        assert.equal(got.leaf, independentLeaf(entries[i]!.writeSetDigest, entries[i]!.commitEvidence, entries[i]!.claimsDigest).toString('hex'));
      }
    }
  });

  it('verify the same with node:crypto hashes as with WebCrypto', async () => {
    for (let i = 0; i < entries.length; i++) {
      const doc = await receiptFor(pki, tree, entries, i);
      assert.deepEqual(await verifyReceipt(doc, { serviceIdentity: pki.identity.pem, hashes: nodeHashes }), await verifyReceipt(doc, { serviceIdentity: pki.identity.pem }));
    }
  });

  it('verify with a P-384 node key, and through two service endorsements', async () => {
    for (const p of [await ccfPki({ nodeKey: 'P-384' }), await ccfPki({ hops: 2, identityKey: 'P-256' })]) {
      const doc = await receiptFor(p, tree, entries, 3);
      const got = await verifyReceipt(doc, { serviceIdentity: p.identity.pem });
      assert.equal(independentVerify(doc, p.identity.pem), got.root);
    }
  });

  it('refuse every single-bit change to a receipt document, without and with a warm cache of endorsed node certificates and node:crypto hashes', async () => {
    const doc = await receiptFor(pki, tree, entries, 6); // carries application claims
    const text = Buffer.from(JSON.stringify(doc));
    const identity = parseServiceIdentity(pki.identity.pem);
    for (const endorsed of [undefined, createEndorsementCache()]) {
    const hashes = endorsed ? nodeHashes : undefined;
    await verifyReceipt(text.toString(), { serviceIdentity: identity, endorsed, hashes });
    assert.equal(endorsed?.size ?? 1, 1);
    const accepted: number[] = [];
    const codes = new Set<string>();
    const flip = async (bit: number) => {
      const changed = Buffer.from(text);
      changed[bit >> 3]! ^= 1 << (bit & 7);
      try {
        await verifyReceipt(changed.toString('latin1'), { serviceIdentity: identity, endorsed, hashes });
        accepted.push(bit);
      } catch (err) {
        if (!isConfideError(err)) throw err;
        codes.add(err.code);
      }
    };
    // In batches: WebCrypto checks run on the thread pool.
    for (let bit = 0; bit < text.length * 8; bit += 32) await Promise.all(Array.from({ length: Math.min(32, text.length * 8 - bit) }, (_, i) => flip(bit + i)));
    assert.deepEqual(accepted, []);
    assert.deepEqual([...codes].sort(), ['ERR_LEDGER_ENDORSEMENT_INVALID', 'ERR_LEDGER_RECEIPT_INVALID', 'ERR_LEDGER_RECEIPT_MALFORMED']);
    // Nothing a changed receipt carried was taken as endorsed.
    assert.equal(endorsed?.size ?? 1, 1);
    }
  });

  it('a cache of endorsed node certificates skips the endorsement check of a chain it holds, keyed by node, endorsements and identity, bounded', async () => {
    const subtle = crypto.subtle;
    const original = subtle.verify;
    let checks = 0;
    // Counts WebCrypto signature checks: the root's, and one per endorsement link.
    subtle.verify = (...args: Parameters<SubtleCrypto['verify']>) => ((checks += 1), original.apply(subtle, args));
    try {
      const endorsed = createEndorsementCache({ maxEntries: 2 });
      const doc = await receiptFor(pki, tree, entries, 4);
      await verifyReceipt(doc, { serviceIdentity: pki.identity.pem, endorsed });
      assert.equal(checks, 2, 'root signature and endorsement');
      checks = 0;
      const again = await verifyReceipt(await receiptFor(pki, tree, entries, 5), { serviceIdentity: pki.identity.pem, endorsed });
      assert.equal(again.transactionId, '2.6');
      assert.equal(checks, 1, 'the root signature only: the node certificate was endorsed before');
      // Another identity is another key: checked, and refused.
      const other = await ccfPki();
      await rejectsWithCode(verifyReceipt(doc, { serviceIdentity: other.identity.pem, endorsed }), 'ERR_LEDGER_ENDORSEMENT_INVALID', { link: 0 });
      // A node certificate the service did not issue, with a valid root signature by its key, is not cached.
      const rogue = await receiptFor(other, tree, entries, 4);
      await rejectsWithCode(verifyReceipt(rogue, { serviceIdentity: pki.identity.pem, endorsed }), 'ERR_LEDGER_ENDORSEMENT_INVALID');
      await rejectsWithCode(verifyReceipt(rogue, { serviceIdentity: pki.identity.pem, endorsed }), 'ERR_LEDGER_ENDORSEMENT_INVALID');
      assert.equal(endorsed.size, 1);
      // Endorsements are part of the key; the bound evicts the least recently used.
      const hops = await ccfPki({ hops: 2 });
      await verifyReceipt(await receiptFor(hops, tree, entries, 1), { serviceIdentity: hops.identity.pem, endorsed });
      await verifyReceipt(rogue, { serviceIdentity: other.identity.pem, endorsed });
      assert.equal(endorsed.size, 2);
      checks = 0;
      await verifyReceipt(doc, { serviceIdentity: pki.identity.pem, endorsed });
      assert.equal(checks, 2, 'the first chain was evicted and is checked again');
    } finally {
      subtle.verify = original;
    }
  });

  it('refuse another service, another node key, mismatched claims and node id', async () => {
    const doc = await receiptFor(pki, tree, entries, 0);
    const other = await ccfPki();
    await rejectsWithCode(verifyReceipt(doc, { serviceIdentity: other.identity.pem }), 'ERR_LEDGER_ENDORSEMENT_INVALID', { link: 0 });
    const resigned = structuredClone(doc);
    const forged = await receiptFor(other, tree, entries, 0);
    resigned.receipt.signature = forged.receipt.signature;
    await rejectsWithCode(verifyReceipt(resigned, { serviceIdentity: pki.identity.pem }), 'ERR_LEDGER_RECEIPT_INVALID', { reason: 'signature' });
    const wrongId = structuredClone(doc);
    wrongId.receipt.nodeId = forged.receipt.nodeId;
    await rejectsWithCode(verifyReceipt(wrongId, { serviceIdentity: pki.identity.pem }), 'ERR_LEDGER_RECEIPT_INVALID', { reason: 'node-id' });
    const claims = structuredClone(doc) as any;
    claims.applicationClaims[0].ledgerEntry.contents = 'entry 1';
    await rejectsWithCode(verifyReceipt(claims, { serviceIdentity: pki.identity.pem }), 'ERR_LEDGER_RECEIPT_INVALID', { reason: 'claims' });
    // Claims the caller brings are checked too, against a receipt that carries none.
    const plain = await receiptFor(pki, tree, entries, 1);
    await rejectsWithCode(verifyReceipt(plain.receipt, { serviceIdentity: pki.identity.pem, applicationClaims: entries[0]!.applicationClaims! }), 'ERR_LEDGER_RECEIPT_INVALID', { reason: 'claims' });
    await rejectsWithCode(verifyReceipt(doc, { serviceIdentity: 'not a certificate' }), 'ERR_INPUT_UNREADABLE');
  });

  it('refuse a node certificate the service did not issue, even with a valid root signature', async () => {
    const rogue = await ccfPki();
    const doc = await receiptFor(pki, tree, entries, 2);
    doc.receipt.cert = rogue.node.pem;
    const r = doc.receipt;
    // Sign the right root with the rogue key so only the endorsement is wrong.
    const fresh = await receiptFor(rogue, tree, entries, 2);
    r.signature = fresh.receipt.signature;
    r.nodeId = fresh.receipt.nodeId;
    await rejectsWithCode(verifyReceipt(doc, { serviceIdentity: pki.identity.pem }), 'ERR_LEDGER_ENDORSEMENT_INVALID');
    assert.ok(signPreimage); // the helper signs with node:crypto, not the package
  });
});
