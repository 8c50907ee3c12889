/**
 * The ledger's WAL syncs (ledger-wal-commits/wal-sync.ts and ledger-wal-commits.ts): each sync in
 * flight on a descriptor of its own, a batch answered once its own sync and the batches before
 * it are done, without waiting for the syncs of later batches, and a small batch's sync on the
 * calling thread while the disk's syncs are fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdatasync, fdatasyncSync, fstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { isConfideError } from '@confide/core';
import { openSqliteStore } from '../src/index.js';
import type { LedgerTransactionRow } from '../src/port.js';
import { SerialQueue } from '../src/serial-queue.js';
import { INLINE_SYNC_MAX_ROWS, LedgerWalCommits } from '../src/sqlite/ledger-wal-commits/ledger-wal-commits.js';
import { WalSync, type FdatasyncFn } from '../src/sqlite/ledger-wal-commits/wal-sync.js';
import { ledgerAppender } from '../src/sqlite/repositories/ledger-transactions.js';
import { ledgerRow } from './ledger-contract.js';

/**
 * A migrated database file holding one ledger row, open on a connection with synchronous=NORMAL
 * (so its WAL exists), in a fresh directory; closed and removed after `fn`.
 */
function withDatabase(fn: (path: string, db: Database.Database) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-wal-sync-'));
    try {
      const path = join(dir, 'ledger.db');
      await openSqliteStore(path).close();
      const db = new Database(path);
      try {
        db.pragma('synchronous = NORMAL');
        ledgerAppender(db).immediate([ledgerRow(1)]);
        await fn(path, db);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** An fdatasync whose calls wait until the test ends them: each really syncs, then answers `err`. */
function heldSyncs(): { fdatasync: FdatasyncFn; calls: Array<{ fd: number; end: (err?: NodeJS.ErrnoException) => void }> } {
  const calls: Array<{ fd: number; end: (err?: NodeJS.ErrnoException) => void }> = [];
  const fdatasync: FdatasyncFn = (fd, done) => {
    calls.push({
      fd,
      end: (err) => {
        fdatasyncSync(fd);
        done(err ?? null);
      },
    });
  };
  return { fdatasync, calls };
}

const ioError = (): NodeJS.ErrnoException => Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5, syscall: 'fdatasync' });

/** Whether `promise` settled within a few turns of the event loop. */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await turn();
  return settled;
}

test(
  'WAL sync: syncs in flight at once each get a descriptor of their own (separate opens of the WAL file); one more waits for a free one',
  withDatabase(async (path) => {
    const held = heldSyncs();
    const wal = new WalSync(path, 3, { fdatasync: held.fdatasync, inlineUnderMs: 0 });
    try {
      const first = [wal.sync(), wal.sync(), wal.sync()];
      await turn();
      assert.equal(held.calls.length, 3);
      const fds = held.calls.map((c) => c.fd);
      assert.equal(new Set(fds).size, 3, 'three descriptors');
      const walInode = fstatSync(fds[0]!).ino;
      for (const fd of fds) assert.equal(fstatSync(fd).ino, walInode, 'each names the WAL file');
      const fourth = wal.sync();
      assert.equal(await settledNow(fourth), false);
      assert.equal(held.calls.length, 3, 'the fourth waits for a descriptor');
      held.calls[1]!.end();
      await first[1];
      await turn();
      assert.equal(held.calls.length, 4);
      assert.equal(held.calls[3]!.fd, fds[1], 'it takes the one freed');
      held.calls[0]!.end(ioError());
      await assert.rejects(first[0]!, /EIO/);
      held.calls[2]!.end();
      held.calls[3]!.end();
      await Promise.all([first[2], fourth]);
    } finally {
      wal.close();
    }
  }),
);

test(
  'WAL-synced commits: a batch is answered once its own sync and the batches before it are done, not waiting for the syncs of later batches; a failed sync fails its batch and every later one, even one whose own sync returned',
  withDatabase(async (path, db) => {
    const queue = new SerialQueue();
    const held = heldSyncs();
    const commits = new LedgerWalCommits(ledgerAppender(db), (job) => queue.run(async () => job()), path, 3, new WalSync(path, 3, { fdatasync: held.fdatasync, inlineUnderMs: 0 }));
    const batch = (first: number): LedgerTransactionRow[] => [ledgerRow(first), ledgerRow(first + 1)];
    try {
      const a = commits.append(batch(2));
      const b = commits.append(batch(4));
      const c = commits.append(batch(6));
      for (let i = 0; held.calls.length < 3 && i < 100; i++) await turn();
      assert.equal(held.calls.length, 3, 'three syncs out at once');
      held.calls[0]!.end();
      assert.equal(await settledNow(a), true, 'the first is answered while the later syncs are still out');
      await a;
      held.calls[2]!.end();
      assert.equal(await settledNow(c), false, 'the third waits for the second');
      held.calls[1]!.end();
      await Promise.all([b, c]);

      const d = commits.append(batch(8));
      const e = commits.append(batch(10));
      for (let i = 0; held.calls.length < 5 && i < 100; i++) await turn();
      held.calls[4]!.end();
      assert.equal(await settledNow(e), false, 'the later batch waits for the earlier one');
      held.calls[3]!.end(ioError());
      const failed = (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE') && (err as { details?: { reason?: string } }).details?.reason === 'WAL_SYNC_FAILED';
      await assert.rejects(d, failed);
      await assert.rejects(e, failed, 'a later batch fails too, though its own sync returned');
      await assert.rejects(commits.append(batch(12)), failed, 'and every batch after');
    } finally {
      await queue.run(() => commits.close());
    }
  }),
);

test(
  'WAL sync: after close a sync fails and opens nothing (its descriptors would never be closed)',
  withDatabase(async (path) => {
    const held = heldSyncs();
    const wal = new WalSync(path, 2, { fdatasync: held.fdatasync, inlineUnderMs: 0 });
    const first = wal.sync();
    await turn();
    held.calls[0]!.end();
    await first;
    wal.close();
    await assert.rejects(wal.sync(), /is closed/);
    assert.equal(held.calls.length, 1, 'no sync was started after close');
  }),
);

/** WalSync options that count each sync, on the calling thread (`now`) or the pool (`pool`), and advance a fake clock by `ms.inline` or `ms.pool` for it (the test may change `ms`). */
function timedSyncs(ms: { inline: number; pool: number }) {
  let clock = 0;
  const calls = { now: 0, pool: 0 };
  let failNow: NodeJS.ErrnoException | undefined;
  return {
    calls,
    ms,
    failNextInline: (err: NodeJS.ErrnoException) => void (failNow = err),
    options: {
      now: () => clock,
      fdatasyncNow: (fd: number) => {
        calls.now += 1;
        clock += ms.inline;
        const err = failNow;
        failNow = undefined;
        if (err) throw err;
        fdatasyncSync(fd);
      },
      fdatasync: ((fd, done) => {
        calls.pool += 1;
        fdatasync(fd, (err) => {
          clock += ms.pool;
          done(err);
        });
      }) satisfies FdatasyncFn,
    },
  };
}

test(
  'WAL sync: a sync the caller allows inline runs on the calling thread while the recent syncs were fast, on the pool once they average inlineUnderMs or more, and inline again once the pool\'s are fast; an inline failure rejects and frees its descriptor',
  withDatabase(async (path) => {
    const t = timedSyncs({ inline: 0.2, pool: 0.2 });
    const wal = new WalSync(path, 2, { ...t.options, inlineUnderMs: 1 });
    try {
      const first = wal.sync(true);
      assert.equal(t.calls.now, 1, 'synced before sync() returned');
      await first;
      await wal.sync(false);
      assert.deepEqual(t.calls, { now: 1, pool: 1 }, 'not allowed inline: on the pool');

      t.ms.inline = 8;
      await wal.sync(true);
      assert.ok(wal.averageMs >= 1, `a slow inline sync raises the average (${wal.averageMs} ms)`);
      await wal.sync(true);
      assert.deepEqual(t.calls, { now: 2, pool: 2 }, 'the slow disk gets its next sync on the pool');

      let pooled = 0;
      while (wal.averageMs >= 1 && pooled < 20) {
        await wal.sync(true);
        pooled += 1;
      }
      assert.ok(pooled >= 2 && wal.averageMs < 1, `fast pool syncs bring the average down (${pooled} syncs)`);
      assert.equal(t.calls.now, 2);
      t.ms.inline = 0.2;
      await wal.sync(true);
      assert.equal(t.calls.now, 3, 'then inline again');

      t.failNextInline(ioError());
      await assert.rejects(wal.sync(true), /EIO/);
      const poolBefore = t.calls.pool;
      const both = [wal.sync(false), wal.sync(false)];
      await turn();
      assert.equal(t.calls.pool, poolBefore + 2, 'both descriptors are free again after the failure: two syncs out at once');
      await Promise.all(both);
    } finally {
      wal.close();
    }
  }),
);

test(
  'WAL-synced commits: a batch of at most INLINE_SYNC_MAX_ROWS rows may sync inline, a larger one syncs on the pool; either way its rows are on disk when it resolves',
  withDatabase(async (path, db) => {
    const queue = new SerialQueue();
    const t = timedSyncs({ inline: 0.1, pool: 0.1 });
    const commits = new LedgerWalCommits(ledgerAppender(db), (job) => queue.run(async () => job()), path, 3, new WalSync(path, 3, t.options));
    const rows = (first: number, n: number): LedgerTransactionRow[] => Array.from({ length: n }, (_, i) => ledgerRow(first + i));
    try {
      await commits.append(rows(2, INLINE_SYNC_MAX_ROWS));
      assert.deepEqual(t.calls, { now: 1, pool: 0 });
      await commits.append(rows(2 + INLINE_SYNC_MAX_ROWS, INLINE_SYNC_MAX_ROWS + 1));
      assert.deepEqual(t.calls, { now: 1, pool: 1 });
      const head = db.prepare('SELECT MAX(seqno) AS seqno FROM ledger_transactions').get() as { seqno: number };
      assert.equal(head.seqno, 2 * INLINE_SYNC_MAX_ROWS + 2);
    } finally {
      await queue.run(() => commits.close());
    }
  }),
);
