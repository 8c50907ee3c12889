/**
 * Large ledger batches committed on a thread of their own (issue 9's durable append rate in
 * process): a Worker with a second connection to the database file (commit-thread-worker.ts) runs
 * the batch's inserts, its WAL writes and any automatic checkpoint its commit triggers, so the main
 * thread hashes the next appends meanwhile. It costs the main thread the batch's copy (about 0.2 µs
 * a row) and two hand-offs (tens of µs a batch), so only batches of many rows are sent
 * (LedgerWalCommits). The thread starts on the first request to `start`, and takes batches once
 * its connection is open (`ready`); while a batch is out it keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import { StoreError } from '../../errors.js';
import type { LedgerTransactionRow } from '../../port.js';
import { flatten, type CommitAnswer, type CommitRequest } from './batch-messages.js';

/** How long the thread's BEGIN IMMEDIATE waits for the write lock, as the store's connection does. */
const BUSY_TIMEOUT_MS = 5000;

interface Waiting {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class LedgerCommitThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  readonly #exited: Promise<void>;
  #next = 1;
  #ready = false;
  #failed: StoreError | undefined;

  /** Starts the thread on `databasePath`; `script` is the thread's code (commit-thread-worker.js; tests give a stand-in that fails). */
  constructor(databasePath: string, script: URL = new URL('./commit-thread-worker.js', import.meta.url)) {
    this.#worker = new Worker(script, { workerData: { path: databasePath, busyTimeoutMs: BUSY_TIMEOUT_MS } });
    this.#worker.unref();
    this.#worker.on('message', (answer: CommitAnswer) => this.#answer(answer));
    this.#worker.on('error', (err) => this.#fail(err));
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    void this.#exited.then(() => this.#fail(new Error('the ledger commit thread exited')));
  }

  /** The thread failed or exited: a batch it had out may or may not have committed. */
  get stopped(): boolean {
    return this.#failed !== undefined;
  }

  /** Its connection is open and it has not failed: a batch sent now is committed without waiting for start-up. */
  get ready(): boolean {
    return this.#ready && !this.#failed;
  }

  /**
   * Commits `rows` as one transaction on the thread's connection; the caller holds the store's
   * queue meanwhile, so no other write runs on the store's connection. Throws what the insert
   * throws (ERR_STORE_CONFLICT), ERR_STORE_UNAVAILABLE.
   */
  commit(rows: readonly LedgerTransactionRow[]): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise<void>((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ kind: 'commit', id, flat: flatten(rows) } satisfies CommitRequest);
    });
  }

  /** Closes the thread's connection and ends it; call with no batch out (the store's queue sees to that). */
  async close(): Promise<void> {
    if (!this.#failed) this.#worker.postMessage({ kind: 'close' } satisfies CommitRequest);
    this.#worker.ref();
    await this.#exited;
  }

  #answer(answer: CommitAnswer): void {
    if (answer.kind === 'ready') {
      this.#ready = true;
      return;
    }
    const waiting = this.#waiting.get(answer.id);
    if (!waiting) return;
    this.#waiting.delete(answer.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (!answer.error) return waiting.resolve();
    const { code, message, details } = answer.error;
    // A row that does not continue the ledger keeps its code; anything else is the store failing.
    if (code === 'ERR_STORE_CONFLICT') waiting.reject(new StoreError('ERR_STORE_CONFLICT', message, details ? { details } : {}));
    else waiting.reject(new StoreError('ERR_STORE_UNAVAILABLE', `the ledger commit failed: ${message}`, { details: { reason: code ?? 'sqlite' } }));
  }

  #fail(cause: unknown): void {
    this.#failed ??= new StoreError('ERR_STORE_UNAVAILABLE', 'the ledger commit thread stopped', { details: { reason: 'sqlite' }, cause });
    for (const w of this.#waiting.values()) w.reject(this.#failed);
    this.#waiting.clear();
  }
}
