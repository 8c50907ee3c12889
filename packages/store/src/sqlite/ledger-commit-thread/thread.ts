/**
 * The ledger commit thread's own code (a worker_threads Worker): its own connection to the
 * database file, running each batch the main thread sends as one transaction (the same insert as
 * the main connection's, ledgerAppender), then syncing the WAL file (WalSync) and answering once
 * that sync returned. The commit itself runs with synchronous=NORMAL, so SQLite does not sync
 * inside it, under its write lock: the next batch is inserted while the last one syncs, and the
 * syncs overlap. A sync that fails fails its batch and every later one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isConfideError } from '@confide/core';
import { ledgerAppender } from '../repositories/ledger-transactions.js';
import { WalSync } from './wal-sync.js';
import { unflatten, type ThreadAnswer, type ThreadRequest } from './messages.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const port = parentPort!;
const db = new Database(path);
// WAL is the file's mode already (set by the main connection); these are per connection. NORMAL:
// the commit writes the WAL without syncing it (this thread syncs it next); checkpoints still sync
// the WAL before copying it into the database and the database before the WAL is reused.
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
const append = ledgerAppender(db);
const wal = new WalSync(path);
/** A failed sync: every later batch is refused with it (the kernel may have dropped the unwritten pages). */
let syncFailed: unknown;
const head = db.prepare<[], { seqno: number }>('SELECT COALESCE(MAX(seqno), 0) AS seqno FROM ledger_transactions');

function answerOf(id: number, err: unknown): ThreadAnswer {
  if (isConfideError(err)) return { id, error: { code: err.code, message: err.message, details: err.details } };
  return { id, error: { message: err instanceof Error ? err.message : String(err) } };
}

function syncFailedAnswer(id: number, err: unknown): ThreadAnswer {
  return { id, error: { code: 'WAL_SYNC_FAILED', message: `the WAL sync failed: ${err instanceof Error ? err.message : String(err)}` } };
}

port.on('message', (request: ThreadRequest) => {
  if (request.kind === 'close') {
    wal.close();
    db.close();
    port.close();
    return;
  }
  try {
    if (request.kind === 'head') {
      port.postMessage({ id: request.id, head: head.get()!.seqno } satisfies ThreadAnswer);
      return;
    }
    if (syncFailed) {
      port.postMessage(syncFailedAnswer(request.id, syncFailed));
      return;
    }
    append.immediate(unflatten(request.flat));
    const { id } = request;
    wal.sync().then(
      () => port.postMessage(syncFailed ? syncFailedAnswer(id, syncFailed) : ({ id } satisfies ThreadAnswer)),
      (err: unknown) => {
        syncFailed ??= err;
        port.postMessage(syncFailedAnswer(id, err));
      },
    );
  } catch (err) {
    port.postMessage(answerOf(request.id, err));
  }
});
