/**
 * The ledger commit thread's own code (a worker_threads Worker): a second connection to the
 * database file that commits each batch the main thread sends as one transaction (the same insert
 * as the store's connection, ledgerAppender) with synchronous=NORMAL, and answers once it is
 * committed. The main thread then syncs the WAL (WalSync) as it does after its own commits. The
 * connection's automatic checkpoints (every 1,000 WAL pages, SQLite's default) run here too, after
 * the commit that crosses the mark: their page writes and fsyncs are off the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isConfideError } from '@confide/core';
import { unflatten, type CommitAnswer, type CommitFailure, type CommitRequest } from './batch-messages.js';
import { openThreadConnection } from './thread-connection.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const port = parentPort!;
const { db, append } = openThreadConnection(path, busyTimeoutMs);

function failureOf(err: unknown): CommitFailure {
  if (isConfideError(err)) return { code: err.code, message: err.message, details: err.details };
  // SQLite's own code (SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR…) goes with it, for the error's reason.
  const code = (err as { code?: unknown }).code;
  return { ...(typeof code === 'string' ? { code } : {}), message: err instanceof Error ? err.message : String(err) };
}

port.on('message', (request: CommitRequest) => {
  if (request.kind === 'close') {
    db.close();
    port.close();
    return;
  }
  let answer: CommitAnswer;
  try {
    append.immediate(unflatten(request.flat));
    answer = { kind: 'committed', id: request.id };
  } catch (err) {
    answer = { kind: 'committed', id: request.id, error: failureOf(err) };
  }
  port.postMessage(answer);
});
port.postMessage({ kind: 'ready' } satisfies CommitAnswer);
