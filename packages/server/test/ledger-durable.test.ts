/**
 * The durable ledger writer on the SQLite store: group commit (appends that arrive while a write
 * is in flight share the next write, and none is answered before its write resolved), restart
 * recovery (tree, seqnos, signatures, entries and receipts exactly as before), a failed write
 * refusing the writer, and tampering in the database file found when the writer reopens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { LedgerWriter, verifyReceipt, verifySignedRootsConsistent, type LedgerPersistence, type LedgerRecord } from '@confide/ledger';
import { openSqliteStore, type Store } from '@confide/store';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { nodeLedgerCrypto, openDurableLedgerWriter } from '../src/index.js';
import { ledgerPki, withLedgerFile, type LedgerPki } from './ledger-durable-helpers.js';

/** A persistence port that records each write and lets the test decide when it completes. */
function gatedPersistence(inner: LedgerPersistence) {
  const writes: number[][] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    writes,
    close() {
      gate = new Promise<void>((r) => (release = r));
    },
    open() {
      release();
    },
    port: {
      head: () => inner.head(),
      range: (from: number, to: number) => inner.range(from, to),
      async append(records: readonly LedgerRecord[]) {
        writes.push(records.map((r) => r.seqno));
        await gate;
        await inner.append(records);
      },
    } satisfies LedgerPersistence,
  };
}

const open = (pki: LedgerPki, store: Store, count = 1000) => openDurableLedgerWriter({ store, signer: pki.signer, interval: { count, ms: 60_000 } });

describe('durable ledger writer', () => {
  it('group commit: appends arriving during a write share the next one, and none is answered before its write is durable', async () => {
    const pki = await ledgerPki();
    const store = openSqliteStore(':memory:');
    const gated = gatedPersistence(store.ledgerTransactions);
    const w = await LedgerWriter.open({ signer: pki.signer, interval: { count: 10_000, ms: 60_000 }, persistence: gated.port, crypto: nodeLedgerCrypto(), defer: (fn) => void setImmediate(fn) });
    gated.close();
    const answered: string[] = [];
    const first = Array.from({ length: 50 }, (_, i) => w.append(`a${i}`).then((id) => void answered.push(id)));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(gated.writes.map((b) => b.length), [50], 'the 50 appends of one turn went into one write');
    // While that write is held, 200 more arrive: none answered, none written.
    const second = Array.from({ length: 200 }, (_, i) => w.append(`b${i}`).then((id) => void answered.push(id)));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(answered.length, 0, 'nothing answered before its write resolved');
    assert.equal(await store.ledgerTransactions.head(), 0);
    assert.equal(w.status('2.1'), undefined, 'reads see only what is durable');
    gated.open();
    await Promise.all([...first, ...second]);
    assert.deepEqual(gated.writes.map((b) => b.length), [50, 200], 'the 200 that waited share the next write');
    assert.deepEqual(gated.writes[1]!.slice(0, 1), [51]);
    assert.equal(answered.length, 250);
    assert.equal(await store.ledgerTransactions.head(), 250);
    assert.equal(w.status('2.250'), 'Pending');
    w.close();
    await store.close();
  });

  it('a reopened writer restores the tree, seqnos, signatures, entries and receipts exactly, and continues them', 
    withLedgerFile(async (pki, path) => {
      let store = openSqliteStore(path);
      let w = await open(pki, store, 7);
      const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => w.append(`entry ${i}`, i % 3 ? 'subledger:0' : 'audit')));
      await w.flush();
      const tail = await w.append('unsigned tail');
      w.close();
      const before = {
        roots: w.signedRoots.map((r) => ({ ...r })),
        statuses: [...ids, tail].map((id) => w.status(id)),
        entries: [...ids, tail].map((id) => w.entry(id)),
        receipts: await Promise.all(ids.map((id) => w.receipt(id))),
      };
      assert.equal(before.statuses.at(-1), 'Pending');
      await store.close();

      store = openSqliteStore(path);
      w = await open(pki, store, 7);
      assert.deepEqual(w.signedRoots, before.roots);
      assert.deepEqual([...ids, tail].map((id) => w.status(id)), before.statuses);
      assert.deepEqual([...ids, tail].map((id) => w.entry(id)), before.entries);
      assert.deepEqual(await Promise.all(ids.map((id) => w.receipt(id))), before.receipts);
      for (const doc of before.receipts) await verifyReceipt(doc, { serviceIdentity: pki.identity.pem });
      // It continues: the next id follows the stored head, the tail gets signed, old roots extend.
      const head = await store.ledgerTransactions.head();
      const next = await w.append('after restart');
      assert.equal(next, `2.${head + 1}`);
      await w.flush();
      assert.equal(w.status(tail), 'Committed');
      await verifyReceipt((await w.receipt(tail))!, { serviceIdentity: pki.identity.pem });
      const [a, b] = [before.roots[0]!, w.signedRoots.at(-1)!];
      await verifySignedRootsConsistent(a, b, await w.consistencyProof(a.treeSize, b.treeSize), pki.identity.pem);
      w.close();
      await store.close();
    }));

  it('a failed durable write refuses that batch and every later append with ERR_LEDGER_WRITER_FAILED', async () => {
    const pki = await ledgerPki();
    const store = openSqliteStore(':memory:');
    let fail = false;
    const port: LedgerPersistence = {
      head: () => store.ledgerTransactions.head(),
      range: (f, t) => store.ledgerTransactions.range(f, t),
      append: (rows) => (fail ? Promise.reject(new Error('disk full')) : store.ledgerTransactions.append(rows)),
    };
    const w = await LedgerWriter.open({ signer: pki.signer, interval: { count: 100, ms: 60_000 }, persistence: port });
    assert.equal(await w.append('kept'), '2.1');
    fail = true;
    await rejectsWithCode(w.append('lost'), 'ERR_LEDGER_WRITER_FAILED', { reason: 'storage' });
    fail = false;
    await rejectsWithCode(w.append('refused'), 'ERR_LEDGER_WRITER_FAILED');
    assert.equal(await store.ledgerTransactions.head(), 1);
    assert.equal(w.entry('2.2'), undefined);
    await store.close();
  });

  it('reopening a database whose entry was edited (triggers dropped) fails with ERR_LEDGER_TX_ALTERED naming it', 
    withLedgerFile(async (pki, path) => {
      const store = openSqliteStore(path);
      const w = await open(pki, store, 4);
      for (let i = 0; i < 8; i++) await w.append(`e${i}`);
      await w.flush();
      w.close();
      await store.close();
      const raw = new Database(path);
      raw.exec('DROP TRIGGER ledger_transactions_no_update');
      const body = JSON.parse((raw.prepare('SELECT body FROM ledger_transactions WHERE seqno = 3').get() as { body: string }).body) as Record<string, string>;
      raw.prepare('UPDATE ledger_transactions SET body = ? WHERE seqno = 3').run(JSON.stringify({ ...body, contents: 'forged' }));
      raw.close();
      const again = openSqliteStore(path);
      await rejectsWithCode(open(pki, again, 4), 'ERR_LEDGER_TX_ALTERED', { transactionId: '2.3', reason: 'write-set' });
      await again.close();
    }));
});
