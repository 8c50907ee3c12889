/**
 * The SQLite ledger commit thread (ledger-wal-commits/commit-thread.ts): large batches committed on
 * a second connection in a worker thread, small ones on the store's connection, all in the order
 * they were sent, each answered only after the WAL sync that follows its commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { isConfideError } from '@confide/core';
import { openSqliteStore } from '../src/index.js';
import type { LedgerTransactionRow } from '../src/port.js';
import { SerialQueue } from '../src/serial-queue.js';
import { LedgerCommitThread } from '../src/sqlite/ledger-wal-commits/commit-thread.js';
import { LedgerWalCommits, THREAD_MIN_ROWS } from '../src/sqlite/ledger-wal-commits/ledger-wal-commits.js';
import { ledgerAppender } from '../src/sqlite/repositories/ledger-transactions.js';
import { WalSync } from '../src/sqlite/ledger-wal-commits/wal-sync.js';
import { ledgerRow } from './ledger-contract.js';

/** A migrated, empty database file in a fresh directory; removed after `fn`. */
function withDatabase(fn: (path: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-commit-thread-'));
    try {
      const path = join(dir, 'ledger.db');
      await openSqliteStore(path).close();
      await fn(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const rowsFrom = (first: number, n: number): LedgerTransactionRow[] => Array.from({ length: n }, (_, i) => ledgerRow(first + i));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error(`${what} within 10 s`);
    await sleep(10);
  }
}

/** WAL-synced commits on `path` (syncing through `wal`) whose commit thread is the stand-in that stops with its first batch; `send(n)` sends the next n rows. */
function withDyingThread(path: string, wal?: WalSync) {
  const db = new Database(path);
  db.pragma('synchronous = NORMAL');
  const queue = new SerialQueue();
  let started = 0;
  const dying = new URL('./dying-commit-thread.js', import.meta.url);
  const commits = new LedgerWalCommits(ledgerAppender(db), (job) => queue.run(async () => job()), path, 3, wal, (p) => ((started += 1), new LedgerCommitThread(p, dying)));
  const sent: LedgerTransactionRow[] = [];
  const send = (n: number): Promise<void> => {
    const rows = rowsFrom(sent.length + 1, n);
    sent.push(...rows);
    return commits.append(rows);
  };
  return { db, queue, commits, send, sent, threads: () => started };
}

function storedRows(path: string): LedgerTransactionRow[] {
  const raw = new Database(path, { readonly: true });
  try {
    const rows = raw.prepare<[], { seqno: number; kind: 'entry' | 'signature'; body: string; commit_evidence: string; write_set_digest: string; claims_digest: string }>('SELECT * FROM ledger_transactions ORDER BY seqno').all();
    return rows.map((r) => ({ seqno: r.seqno, kind: r.kind, body: r.body, commitEvidence: r.commit_evidence, writeSetDigest: r.write_set_digest, claimsDigest: r.claims_digest }));
  } finally {
    raw.close();
  }
}

test(
  'commit thread: batches sent at once commit in order on its connection; a row that does not continue the ledger keeps ERR_STORE_CONFLICT and commits nothing of its batch',
  withDatabase(async (path) => {
    const thread = new LedgerCommitThread(path);
    try {
      await until(() => thread.ready, 'the thread opened its connection');
      await Promise.all([thread.commit(rowsFrom(1, 300)), thread.commit(rowsFrom(301, 200)), thread.commit(rowsFrom(501, 100))]);
      assert.deepEqual(storedRows(path), rowsFrom(1, 600), 'seen by another connection once answered');
      const gap = [...rowsFrom(601, 10), ledgerRow(612)];
      await assert.rejects(thread.commit(gap), (err: unknown) => isConfideError(err, 'ERR_STORE_CONFLICT') && (err as { details?: { seqno?: number } }).details?.seqno === 612);
      await thread.commit(rowsFrom(601, 5));
      assert.equal(storedRows(path).length, 605, 'the refused batch left nothing behind');
    } finally {
      await thread.close();
    }
    await assert.rejects(thread.commit(rowsFrom(606, 1)), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'), 'a closed thread takes no batch');
  }),
);

test(
  `WAL-synced commits: a batch of ${THREAD_MIN_ROWS} rows or more goes to the commit thread when an earlier batch's sync is out and the thread is ready; smaller ones, and any with nothing out beside it, stay on the store's connection; batches out at once land in order`,
  withDatabase(async (path) => {
    const db = new Database(path);
    db.pragma('synchronous = NORMAL');
    const onConnection = ledgerAppender(db);
    let connectionRows = 0;
    const counted = { immediate: (rows: readonly LedgerTransactionRow[]) => ((connectionRows += rows.length), onConnection.immediate(rows)) } as unknown as typeof onConnection;
    const queue = new SerialQueue();
    const commits = new LedgerWalCommits(counted, (job) => queue.run(async () => job()), path, 3);
    const sent: LedgerTransactionRow[] = [];
    const send = (n: number): Promise<void> => {
      const rows = rowsFrom(sent.length + 1, n);
      sent.push(...rows);
      return commits.append(rows);
    };
    try {
      // One at a time: nothing waits beside a batch, so even a large one commits on the connection.
      for (let i = 0; i < 3; i++) await send(4 * THREAD_MIN_ROWS);
      assert.equal(connectionRows, sent.length, 'one large batch at a time stays on the connection');
      // Two at a time until the second goes to the thread (it starts with the first that qualifies, and is ready once its connection is open).
      for (let tries = 0; ; tries++) {
        if (tries > 1000) throw new Error('no large batch went to the thread within 1,000 tries');
        const before: number = connectionRows;
        await Promise.all([send(THREAD_MIN_ROWS), send(THREAD_MIN_ROWS)]);
        if (connectionRows - before === THREAD_MIN_ROWS) break;
        await sleep(10);
      }
      const onConnectionBefore = connectionRows;
      await Promise.all([send(2 * THREAD_MIN_ROWS), send(THREAD_MIN_ROWS + 1), send(3), send(4 * THREAD_MIN_ROWS), send(THREAD_MIN_ROWS - 1)]);
      assert.equal(connectionRows - onConnectionBefore, 2 * THREAD_MIN_ROWS + 3 + THREAD_MIN_ROWS - 1, 'the first (nothing out beside it) and the small batches on the connection, the other large ones on the thread');
      assert.deepEqual(storedRows(path), sent);
    } finally {
      await queue.run(() => commits.close());
      db.close();
    }
  }),
);

test(
  'WAL-synced commits: a batch sent before the one the commit thread stopped with is answered as committed when its own sync returns success after that stop',
  withDatabase(async (path) => {
    // Every sync takes 300 ms more: the batch before the thread's outlives the thread's stop.
    const { db, queue, commits, send } = withDyingThread(path, new WalSync(path, 3, { fdatasync: (fd, done) => void setTimeout(() => fdatasync(fd, done), 300), inlineUnderMs: 0 }));
    try {
      for (let tries = 0; ; tries++) {
        if (tries > 200) throw new Error('no large batch went to the thread within 200 tries');
        const [first, second] = await Promise.allSettled([send(THREAD_MIN_ROWS), send(THREAD_MIN_ROWS)]);
        assert.equal(first.status, 'fulfilled', `the first of a pair, on the connection, synced: ${first.status === 'rejected' ? String(first.reason) : ''}`);
        if (second.status === 'rejected') {
          assert.ok(isConfideError(second.reason, 'ERR_STORE_UNAVAILABLE'), String(second.reason));
          break;
        }
      }
      await assert.rejects(send(3), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'), 'a batch after the stop fails');
    } finally {
      await queue.run(() => commits.close());
      db.close();
    }
  }),
);

test(
  'WAL-synced commits: a commit thread that stops with a batch out fails that batch with ERR_STORE_UNAVAILABLE, whether or not it committed it, and every batch sent after it, on the thread or the connection, fails and commits nothing',
  withDatabase(async (path) => {
    const { db, queue, commits, send, sent, threads } = withDyingThread(path);
    const unavailable = (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE');
    try {
      // Two large batches at once until the second goes to the thread (once its connection is open), which stops with it.
      let failure: unknown;
      for (let tries = 0; failure === undefined; tries++) {
        if (tries > 1000) throw new Error('no large batch went to the thread within 1,000 tries');
        const [first, second] = await Promise.allSettled([send(THREAD_MIN_ROWS), send(THREAD_MIN_ROWS)]);
        assert.equal(first.status, 'fulfilled', `the first of a pair commits on the connection: ${first.status === 'rejected' ? String(first.reason) : ''}`);
        if (second.status === 'rejected') failure = second.reason;
        else await sleep(10);
      }
      assert.ok(unavailable(failure), `the batch the thread had out fails as the store failing: ${String(failure)}`);
      // The stand-in committed that batch before it stopped: answered as failed, its outcome was unknown, and storage shows it.
      assert.deepEqual(storedRows(path), sent, 'stored: every batch sent, the unanswered one last');
      const stored = sent.length;
      await assert.rejects(send(3), unavailable, 'a small batch after it, on the connection, fails');
      await assert.rejects(Promise.all([send(THREAD_MIN_ROWS), send(THREAD_MIN_ROWS)]), unavailable, 'large ones fail too');
      assert.equal(storedRows(path).length, stored, 'nothing committed after the batch the thread had out');
      assert.equal(threads(), 1, 'one thread was started, and none after it stopped');
    } finally {
      await queue.run(() => commits.close());
      db.close();
    }
  }),
);
