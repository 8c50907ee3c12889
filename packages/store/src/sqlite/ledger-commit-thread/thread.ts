/**
 * The ledger commit thread's own code (a worker_threads Worker): its own connection to the
 * database file, with synchronous=FULL, running each batch the main thread sends as one
 * transaction (the same insert as the main connection's, ledgerAppender) and answering once it
 * committed, so the WAL's fsync blocks this thread, not the one that hashes the next batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isConfideError } from '@confide/core';
import { ledgerAppender } from '../repositories/ledger-transactions.js';
import { unflatten, type ThreadAnswer, type ThreadRequest } from './messages.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const port = parentPort!;
const db = new Database(path);
// WAL is the file's mode already (set by the main connection); these are per connection.
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
const append = ledgerAppender(db);
const head = db.prepare<[], { seqno: number }>('SELECT COALESCE(MAX(seqno), 0) AS seqno FROM ledger_transactions');

function answerOf(id: number, err: unknown): ThreadAnswer {
  if (isConfideError(err)) return { id, error: { code: err.code, message: err.message, details: err.details } };
  return { id, error: { message: err instanceof Error ? err.message : String(err) } };
}

port.on('message', (request: ThreadRequest) => {
  if (request.kind === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    if (request.kind === 'head') {
      port.postMessage({ id: request.id, head: head.get()!.seqno } satisfies ThreadAnswer);
      return;
    }
    append.immediate(unflatten(request.flat));
    port.postMessage({ id: request.id } satisfies ThreadAnswer);
  } catch (err) {
    port.postMessage(answerOf(request.id, err));
  }
});
