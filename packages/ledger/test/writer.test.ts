/**
 * The ledger writer end to end in memory: entries Pending until a signature transaction covers
 * them (by count and by time), then Committed with receipts that verifyReceipt and the
 * independent node:crypto check accept, and successive signed roots consistent; with a persistence
 * that takes two writes at once, the next batch goes out while one is held and nothing is answered
 * before its own write and every one before it resolved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { LedgerWriter, verifyReceipt, verifySignedRootsConsistent, type LedgerPersistence, type LedgerRecord } from '../src/index.js';
import { ccfPki, signPreimage, syncLedgerCrypto, type CcfPki } from './helpers.js';
import { independentLedgerEntryClaimsDigest } from './independent.js';

function writer(pki: CcfPki, interval = { count: 4, ms: 60_000 }): LedgerWriter {
  return new LedgerWriter({ signer: { certPem: pki.node.pem, sign: async (preimage) => signPreimage(pki.node, preimage) }, interval });
}

/** Lets the writer work until `done` (at most 5 s: timers and WebCrypto run late on a loaded machine), or for 50 ms when there is none. */
async function until(done?: () => boolean): Promise<void> {
  const end = Date.now() + (done ? 5000 : 50);
  while (Date.now() < end && !done?.()) await new Promise((r) => setTimeout(r, 1));
}

describe('ledger writer', () => {
  it('commits by count: Pending, then Committed with receipts that verify', async () => {
    const pki = await ccfPki();
    const w = writer(pki);
    const ids = await Promise.all(['a', 'b', 'c'].map((c) => w.append(c)));
    assert.deepEqual(ids, ['2.1', '2.2', '2.3']);
    assert.deepEqual(ids.map((id) => w.status(id)), ['Pending', 'Pending', 'Pending']);
    assert.equal(await w.receipt('2.1'), undefined);
    ids.push(await w.append('d', 'named'));
    await w.flush(); // waits for the signature the fourth entry started
    assert.deepEqual(ids.map((id) => w.status(id)), ['Committed', 'Committed', 'Committed', 'Committed']);
    assert.equal(w.status('2.9'), undefined);
    assert.deepEqual(w.entry('2.4'), { contents: 'd', collectionId: 'named', transactionId: '2.4' });
    for (const id of ids) {
      const doc = (await w.receipt(id))!;
      const got = await verifyReceipt(JSON.stringify(doc), { serviceIdentity: pki.identity.pem });
      assert.equal(got.transactionId, id);
      assert.equal(got.claimsChecked, true);
      assert.equal(got.claimsDigest, independentLedgerEntryClaimsDigest([doc.applicationClaims[0]!.ledgerEntry]));
    }
    w.close();
  });

  it('commits by time, and each signed root extends the one before', async () => {
    const pki = await ccfPki();
    const w = writer(pki, { count: 1000, ms: 20 });
    const first = await w.append('x');
    assert.equal(w.status(first), 'Pending');
    await until(() => w.status(first) === 'Committed');
    assert.equal(w.status(first), 'Committed');
    const second = await w.append('y');
    await until(() => w.status(second) === 'Committed');
    assert.equal(w.status(second), 'Committed');
    // 2.1 entry, 2.2 signature, 2.3 entry, 2.4 signature
    assert.equal(second, '2.3');
    const [a, b] = w.signedRoots;
    assert.deepEqual([a!.treeSize, b!.treeSize], [1, 3]);
    await verifySignedRootsConsistent(a!, b!, await w.consistencyProof(1, 3), pki.identity.pem);
    const doc = (await w.receipt(second))!;
    await verifyReceipt(doc, { serviceIdentity: pki.identity.pem });
    w.close();
  });

  it('reads back: ranges by seqno (signature transactions skipped), by collection, the latest entry and the collections', async () => {
    const pki = await ccfPki();
    const w = writer(pki, { count: 1000, ms: 60_000 });
    assert.equal(w.latest(), undefined);
    assert.deepEqual(w.collections(), []);
    for (const [c, col] of [['a', undefined], ['b', 'x'], ['c', undefined]] as const) await w.append(c, col);
    await w.flush(); // 2.4 is the signature transaction
    await w.append('d', 'x');
    assert.equal(w.size, 5);
    assert.equal(w.view, 2);
    assert.deepEqual(w.collections(), ['subledger:0', 'x']);
    assert.deepEqual(w.entries(1, 5).map((e) => e.transactionId), ['2.1', '2.2', '2.3', '2.5']);
    assert.deepEqual(w.entries(3, 99).map((e) => e.contents), ['c', 'd']);
    assert.deepEqual(w.entries(1, 5, { limit: 2 }).map((e) => e.contents), ['a', 'b']);
    assert.deepEqual(w.entries(1, 5, { collectionId: 'x' }), [
      { contents: 'b', collectionId: 'x', transactionId: '2.2' },
      { contents: 'd', collectionId: 'x', transactionId: '2.5' },
    ]);
    assert.deepEqual(w.entries(3, 5, { collectionId: 'x' }).map((e) => e.transactionId), ['2.5']);
    assert.deepEqual(w.entries(1, 5, { collectionId: 'none' }), []);
    assert.deepEqual(w.latest(), { contents: 'd', collectionId: 'x', transactionId: '2.5' });
    assert.equal(w.latest('subledger:0')?.transactionId, '2.3');
    assert.equal(w.entry('2.4'), undefined);
    w.close();
  });

  it('commitLag: pending entries and since when the oldest is pending, back to none once a signature covers them', async () => {
    const pki = await ccfPki();
    let now = 1000;
    const w = new LedgerWriter({ signer: { certPem: pki.node.pem, sign: async (preimage) => signPreimage(pki.node, preimage) }, interval: { count: 3, ms: 60_000 }, now: () => now });
    assert.deepEqual(w.commitLag(), { pending: 0, pendingSinceMs: undefined });
    await w.append('a');
    now = 2000;
    await w.append('b');
    assert.deepEqual(w.commitLag(), { pending: 2, pendingSinceMs: 1000 }, 'the oldest pending entry sets the time');
    now = 3000;
    await w.append('c'); // the third starts a signature transaction (2.4)
    await w.flush();
    assert.deepEqual(w.commitLag(), { pending: 0, pendingSinceMs: undefined });
    now = 4000;
    await w.append('d');
    assert.deepEqual(w.commitLag(), { pending: 1, pendingSinceMs: 4000 }, 'pending again, from the first entry after the signature');
    w.close();
  });

  describe('two writes in flight (persistence.writesInFlight = 2)', () => {
    /** Records in memory, each write held until the test settles it; a write must continue the stored head, as the store checks. */
    function heldPersistence() {
      const stored: LedgerRecord[] = [];
      const writes: { seqnos: number[]; resolve: () => void; settleAlone: () => void; reject: (err: Error) => void }[] = [];
      const port: LedgerPersistence = {
        writesInFlight: 2,
        head: async () => stored.length,
        range: async (from, to) => stored.slice(from - 1, to),
        append(records) {
          return new Promise<void>((resolve, reject) => {
            writes.push({
              seqnos: records.map((r) => r.seqno),
              resolve: () => {
                assert.equal(records[0]!.seqno, stored.length + 1, 'writes land in the order they were sent');
                stored.push(...records);
                resolve();
              },
              settleAlone: () => resolve(),
              reject,
            });
          });
        },
      };
      return { port, stored, writes };
    }
    const appendMany = (w: LedgerWriter, n: number, prefix: string) => Array.from({ length: n }, (_, i) => w.append(`${prefix}${i}`));
    const sizes = (held: ReturnType<typeof heldPersistence>) => held.writes.map((x) => x.seqnos.length);

    /** A writer on a fresh held persistence. */
    const openHeld = async (minEarlyBatch?: number) => {
      const pki = await ccfPki();
      const held = heldPersistence();
      const signer = { certPem: pki.node.pem, sign: async (p: Uint8Array) => signPreimage(pki.node, p) };
      const w = await LedgerWriter.open({ signer, interval: { count: 10_000, ms: 60_000 }, persistence: held.port, crypto: syncLedgerCrypto, defer: (fn) => void setImmediate(fn), ...(minEarlyBatch ? { minEarlyBatch } : {}) });
      /** Lets writes `indexes` land, in order. */
      const release = (...indexes: number[]) => indexes.forEach((i) => held.writes[i]!.resolve());
      return { held, w, release };
    };

    it('sends the next batch while one is held, answers only in order, and holds a third back', async () => {
      const { held, w, release } = await openHeld(4);
      const answered: string[] = [];
      const track = (p: Promise<string>) => p.then((id) => void answered.push(id));
      const first = appendMany(w, 5, 'a').map(track);
      await until(() => held.writes.length === 1);
      const second = appendMany(w, 7, 'b').map(track);
      await until(() => held.writes.length === 2);
      assert.deepEqual(sizes(held), [5, 7], 'the second batch went out while the first was held');
      const third = appendMany(w, 4, 'c').map(track);
      await until();
      assert.equal(held.writes.length, 2, 'no third write while two are out');
      assert.equal(answered.length, 0, 'nothing answered before its write resolved');
      release(0);
      await Promise.all(first);
      assert.deepEqual(answered, ['2.1', '2.2', '2.3', '2.4', '2.5']);
      assert.equal(w.size, 5, 'reads see only what is durable');
      await until(() => held.writes.length === 3);
      assert.deepEqual(sizes(held), [5, 7, 4], 'the held-back batch goes once a write is done');
      release(1, 2);
      await Promise.all([...second, ...third]);
      assert.equal(answered.length, 16);
      assert.deepEqual(held.stored.map((r) => r.seqno), Array.from({ length: 16 }, (_, i) => i + 1));
      w.close();
    });

    it('fewer than minEarlyBatch (64 here) wait for the write out and go as it resolves, before its answers; as many go at once', async () => {
      const { held, w, release } = await openHeld(64);
      const small = appendMany(w, 5, 'a');
      await until(() => held.writes.length === 1);
      const waiting = appendMany(w, 7, 'b');
      await until();
      assert.deepEqual(sizes(held), [5], 'seven wait: one sync for them later beats one each now');
      let writesWhenAnswered = 0;
      void small[0]!.then(() => (writesWhenAnswered = held.writes.length));
      release(0);
      await Promise.all(small);
      assert.equal(writesWhenAnswered, 2, 'the seven went to storage before the five were answered, not a turn later');
      const many = appendMany(w, 70, 'c');
      await until(() => held.writes.length === 3);
      assert.deepEqual(sizes(held), [5, 7, 70], 'seventy go while the seven are out');
      release(1, 2);
      await Promise.all([...waiting, ...many]);
      assert.equal(held.stored.length, 82);
      w.close();
    });

    it('by default (minEarlyBatch 8) seven appends wait for the write out and eight go at once', async () => {
      const { held, w, release } = await openHeld();
      const first = appendMany(w, 1, 'a');
      await until(() => held.writes.length === 1);
      const seven = appendMany(w, 7, 'b');
      await until();
      assert.deepEqual(sizes(held), [1], 'seven wait for the write out');
      release(0);
      await until(() => held.writes.length === 2);
      const eight = appendMany(w, 8, 'c');
      await until(() => held.writes.length === 3);
      assert.deepEqual(sizes(held), [1, 7, 8], 'eight go while the seven are out');
      release(1, 2);
      await Promise.all([...first, ...seven, ...eight]);
      assert.deepEqual(held.stored.map((r) => r.seqno), Array.from({ length: 16 }, (_, i) => i + 1));
      w.close();
    });

    it('a batch of twice minEarlyBatch or more, with no write out, goes as two writes at once', async () => {
      const { held, w, release } = await openHeld(64);
      const all = appendMany(w, 200, 'a');
      await until(() => held.writes.length === 2);
      assert.deepEqual(sizes(held), [100, 100]);
      release(0, 1);
      assert.deepEqual(await Promise.all(all), Array.from({ length: 200 }, (_, i) => `2.${i + 1}`));
      w.close();
    });

    it('a later write resolving before an earlier one waits for it; a failed earlier write refuses both', async () => {
      const { held, w } = await openHeld(1);
      const a = w.append('a');
      await until(() => held.writes.length === 1);
      const b = w.append('b');
      await until(() => held.writes.length === 2);
      assert.equal(held.writes.length, 2);
      let bAnswered = false;
      void b.then(() => (bAnswered = true), () => undefined);
      // A persistence that reports the later write first: the writer must not answer it before the earlier one.
      held.writes[1]!.settleAlone();
      await until();
      assert.equal(bAnswered, false, 'not answered while the write before it is out');
      held.writes[0]!.reject(new Error('disk full'));
      await rejectsWithCode(a, 'ERR_LEDGER_WRITER_FAILED', { reason: 'storage' });
      await rejectsWithCode(b, 'ERR_LEDGER_WRITER_FAILED', { reason: 'storage' });
      await rejectsWithCode(w.append('refused'), 'ERR_LEDGER_WRITER_FAILED');
      assert.equal(w.size, 0);
      w.close();
    });
  });
});
