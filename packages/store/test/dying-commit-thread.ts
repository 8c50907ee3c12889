/**
 * A stand-in for the ledger commit thread's code (commit-thread-worker.ts) that stops with a batch
 * out: it opens its connection and says it is ready, as the real one does; given its first batch,
 * it commits it and then ends without answering, as a thread that dies between its commit and
 * its answer would. The main thread cannot tell that from one that died before committing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import process from 'node:process';
import { unflatten, type CommitAnswer, type CommitRequest } from '../src/sqlite/ledger-wal-commits/batch-messages.js';
import { openThreadConnection } from '../src/sqlite/ledger-wal-commits/thread-connection.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const port = parentPort!;
const { db, append } = openThreadConnection(path, busyTimeoutMs);

port.on('message', (request: CommitRequest) => {
  if (request.kind === 'close') {
    db.close();
    port.close();
    return;
  }
  append.immediate(unflatten(request.flat));
  process.exit(1);
});
port.postMessage({ kind: 'ready' } satisfies CommitAnswer);
