/**
 * The node:crypto the durable writer is given: its HMAC (two one-shot hashes) equals createHmac, its
 * SHA-256 of parts (text as UTF-8, one scratch buffer) and into a buffer at an offset equals createHash,
 * for keys shorter than, equal to and longer than a block; its random pool never hands out the
 * same bytes twice; and a writer hashing with it builds exactly the ledger the WebCrypto writer
 * builds from the same random bytes (same ids, leaves, signed roots and receipts; its entries hashed
 * in one scratch buffer by the "into" hashes).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { LedgerWriter, verifyReceipt } from '@confide/ledger';
import { nodeLedgerCrypto } from '../src/index.js';
import { ledgerPki } from './ledger-durable-helpers.js';

/** Deterministic "random" bytes, so two writers draw the same secrets. */
function counterRandom(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => i++ & 0xff);
}

describe('node ledger crypto', () => {
  it('HMAC-SHA256 equals createHmac for keys of 0..130 bytes and data of several sizes', () => {
    const c = nodeLedgerCrypto();
    for (const keyLength of [0, 1, 31, 32, 63, 64, 65, 130]) {
      for (const dataLength of [0, 1, 64, 1000]) {
        const key = randomBytes(keyLength);
        const data = randomBytes(dataLength);
        assert.deepEqual(Buffer.from(c.hmacSha256(key, data)), createHmac('sha256', key).update(data).digest(), `key ${keyLength}, data ${dataLength}`);
      }
    }
  });

  it('SHA-256 of parts and HMAC of text equal createHash and createHmac, across UTF-8 and parts that outgrow the scratch buffer', () => {
    const c = nodeLedgerCrypto();
    const text = ['', 'a', 'é€😀 mixed', 'x'.repeat(5000), '€'.repeat(3000)];
    for (const first of text) {
      for (const last of [new Uint8Array(0), randomBytes(33), randomBytes(9000)]) {
        const parts = [first, last, 'tail:é'];
        const expected = createHash('sha256').update(first, 'utf8').update(last).update('tail:é', 'utf8').digest();
        assert.deepEqual(Buffer.from(c.sha256Of!(parts)), expected, `sha256Of ${first.length}+${last.length}`);
        assert.deepEqual(Buffer.from(c.sha256(Buffer.concat([Buffer.from(first), last, Buffer.from('tail:é')]))), expected);
        const into = new Uint8Array(40).fill(7);
        c.sha256Into!(Buffer.concat([Buffer.from(first), last, Buffer.from('tail:é')]), into, 5);
        assert.deepEqual(Buffer.from(into), Buffer.concat([Buffer.alloc(5, 7), expected, Buffer.alloc(3, 7)]), 'sha256Into writes the digest at the offset and nothing else');
        for (const keyLength of [32, 64, 65]) {
          const key = randomBytes(keyLength);
          assert.deepEqual(Buffer.from(c.hmacSha256Of!(key, first)), createHmac('sha256', key).update(first, 'utf8').digest(), `hmac key ${keyLength}, text ${first.length}`);
        }
      }
    }
  });

  it('SHA-256 of a lone part (text as UTF-8, bytes, a view of the output buffer itself) equals createHash', () => {
    const c = nodeLedgerCrypto();
    for (const part of ['', 'é€😀 mixed', 'x'.repeat(5000), new Uint8Array(0), randomBytes(33), randomBytes(9000)]) {
      const expected = typeof part === 'string' ? createHash('sha256').update(part, 'utf8').digest() : createHash('sha256').update(part).digest();
      assert.deepEqual(Buffer.from(c.sha256Of!([part])), expected);
    }
    const buffer = new Uint8Array(96);
    buffer.set(randomBytes(64));
    const expected = createHash('sha256').update(buffer.subarray(0, 64)).digest();
    c.sha256PartsInto!([buffer.subarray(0, 64)], buffer, 64);
    assert.deepEqual(Buffer.from(buffer.subarray(64)), expected, 'read from and written into one buffer');
  });

  it('random bytes from the pool never repeat across refills', () => {
    const c = nodeLedgerCrypto();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(Buffer.from(c.randomBytes(32)).toString('hex'));
    assert.equal(seen.size, 5000);
    assert.equal(c.randomBytes(100_000).length, 100_000);
  });

  it('a writer hashing with node:crypto builds the same ledger as one with WebCrypto', async () => {
    const pki = await ledgerPki();
    // A deterministic stand-in for the node key: ECDSA is randomized, and signatures are in the next leaves.
    const signer = { certPem: pki.node.pem, sign: async (preimage: Uint8Array) => createHash('sha256').update(preimage).digest() };
    const build = async (withNode: boolean) => {
      const w = new LedgerWriter({ signer, interval: { count: 5, ms: 60_000 }, random: counterRandom(), ...(withNode ? { crypto: nodeLedgerCrypto() } : {}) });
      // Contents and collections of every kind of text: multi-byte UTF-8, JSON escapes, longer than the scratch buffer.
      const contents = (i: number) => (i === 3 ? 'é€😀"\\\n'.repeat(3000) : i === 7 ? '' : `e${i}`);
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => w.append(contents(i), i % 2 ? (i === 5 ? 'ü collection "q"' : 'x') : 'subledger:0')));
      await w.flush();
      const receipts = await Promise.all(ids.map((id) => w.receipt(id)));
      return { ids, roots: w.signedRoots.map((r) => r.rootPreimage), receipts };
    };
    const [web, node] = [await build(false), await build(true)];
    assert.deepEqual(node.ids, web.ids);
    assert.deepEqual(node.roots, web.roots);
    assert.deepEqual(node.receipts, web.receipts);
    const w = new LedgerWriter({ signer: pki.signer, interval: { count: 3, ms: 60_000 }, crypto: nodeLedgerCrypto() });
    const id = await w.append('checked');
    await w.flush();
    await verifyReceipt((await w.receipt(id))!, { serviceIdentity: pki.identity.pem });
  });
});
