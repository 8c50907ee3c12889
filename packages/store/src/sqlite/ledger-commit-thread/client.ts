/**
 * Ledger commits on a thread of their own (issue 9's durable append rate): a Worker owning a
 * second connection to the database file runs each batch and then fsyncs the WAL (thread.ts), so the
 * main thread hashes the next batch meanwhile instead of blocking in the commit. An append
 * resolves only once its batch committed on that connection and the WAL was synced after it: what
 * was answered is on disk. Started on the first append; while a batch is out it keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import { StoreError } from '../../errors.js';
import type { LedgerTransactionRow } from '../../port.js';
import { flatten, type ThreadAnswer, type ThreadRequest } from './messages.js';

/** How long the thread's BEGIN IMMEDIATE waits for a main-connection transaction: a timeout stops the ledger writer. */
const BUSY_TIMEOUT_MS = 30_000;

interface Waiting {
  resolve: (answer: ThreadAnswer) => void;
  reject: (err: unknown) => void;
}

export class LedgerCommitThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  /** The batches out, for close to wait for. */
  readonly #out = new Set<Promise<unknown>>();
  #next = 1;
  #failed: StoreError | undefined;
  readonly #exited: Promise<void>;

  constructor(path: string) {
    this.#worker = new Worker(new URL('./thread.js', import.meta.url), { workerData: { path, busyTimeoutMs: BUSY_TIMEOUT_MS } });
    this.#worker.unref();
    this.#worker.on('message', (answer: ThreadAnswer) => this.#answer(answer));
    this.#worker.on('error', (err) => this.#fail(err));
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    void this.#exited.then(() => this.#fail(new Error('the ledger commit thread exited')));
  }

  /** Commits `rows` as one transaction on the thread's connection. Throws what the insert throws (ERR_STORE_CONFLICT), ERR_STORE_UNAVAILABLE. */
  async append(rows: readonly LedgerTransactionRow[]): Promise<void> {
    await this.#ask((id) => ({ kind: 'append', id, flat: flatten(rows) }));
  }

  /**
   * The last seqno, read on the thread's connection: the durable writer reads it when it opens, so
   * the thread has started before the first append and its start-up is in no append's answer.
   */
  async head(): Promise<number> {
    return (await this.#ask((id) => ({ kind: 'head', id }))).head!;
  }

  #ask(request: (id: number) => ThreadRequest): Promise<ThreadAnswer> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    const done = new Promise<ThreadAnswer>((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage(request(id));
    });
    this.#out.add(done);
    const forget = () => void this.#out.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** Waits for the batches out, then closes the thread's connection and ends it. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#out]);
    if (!this.#failed) this.#worker.postMessage({ kind: 'close' } satisfies ThreadRequest);
    this.#worker.ref();
    await this.#exited;
  }

  #answer(answer: ThreadAnswer): void {
    const waiting = this.#waiting.get(answer.id);
    if (!waiting) return;
    this.#waiting.delete(answer.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (!answer.error) return waiting.resolve(answer);
    const { code, message, details } = answer.error;
    // A row that does not continue the ledger keeps its code; anything else is the store failing.
    if (code === 'ERR_STORE_CONFLICT') waiting.reject(new StoreError('ERR_STORE_CONFLICT', message, details ? { details } : {}));
    else waiting.reject(new StoreError('ERR_STORE_UNAVAILABLE', `the ledger commit failed: ${message}`, { details: { reason: code ?? 'sqlite' } }));
  }

  #fail(cause: unknown): void {
    this.#failed ??= new StoreError('ERR_STORE_UNAVAILABLE', 'the ledger commit thread stopped', { cause });
    for (const w of this.#waiting.values()) w.reject(this.#failed);
    this.#waiting.clear();
  }
}
