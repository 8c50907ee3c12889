/**
 * RSA private operations on threads of their own: node:crypto runs a raw RSA private operation
 * (a signature over a digest) only synchronously, and at about 0.3 ms for RSA-2048 it kept the
 * event loop, which also runs every HTTPS request, from the machine's other cores. Each request
 * goes to the thread with the fewest waiting, with the key object itself (its handle, not its
 * material), and the requests a thread gets in one turn of the event loop travel as one message
 * (a message costs tens of microseconds of CPU on each side): a thread keeps no key between requests, so nothing is left to invalidate when a key
 * goes. The threads start on the first request; a thread keeps the process alive only while a
 * request is out; one that dies fails what it had and is replaced on the next request.
 */
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { rsaPrivateEncrypt, type RsaPrivateInput, type RsaPrivateOperation } from '../rsa-private.js';
import type { RsaThreadAnswers, RsaThreadBatch, RsaThreadRequest } from './messages.js';

interface Waiting {
  resolve: (result: Uint8Array) => void;
  reject: (err: Error) => void;
}

class RsaThread {
  readonly #worker = new Worker(new URL('./thread.js', import.meta.url));
  readonly waiting = new Map<number, Waiting>();
  #batch: RsaThreadBatch = [];
  #transfer: ArrayBuffer[] = [];
  dead = false;

  constructor() {
    this.#worker.unref();
    this.#worker.on('message', (answers: RsaThreadAnswers) => {
      for (const answer of answers) this.#answer(answer.id, answer.result, answer.error);
    });
    this.#worker.on('error', (err) => this.#fail(err));
    this.#worker.on('exit', () => this.#fail(new Error('the RSA thread exited')));
  }

  /**
   * Queues the request for this turn of the event loop's batch. Its input is copied into a buffer
   * of its own that moves to the thread: a small Buffer is a view of Node's shared 8 KiB pool,
   * which a message would otherwise copy whole.
   */
  run(request: RsaThreadRequest): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.#worker.ref();
      this.waiting.set(request.id, { resolve, reject });
      const data = new Uint8Array(request.data);
      this.#transfer.push(data.buffer);
      if (this.#batch.push({ ...request, data }) === 1) setImmediate(() => this.#send());
    });
  }

  #send(): void {
    if (this.dead) return;
    const batch = this.#batch;
    const transfer = this.#transfer;
    this.#batch = [];
    this.#transfer = [];
    this.#worker.postMessage(batch, transfer);
  }

  async stop(): Promise<void> {
    this.dead = true;
    await this.#worker.terminate();
  }

  #answer(id: number, result: Uint8Array | undefined, error: string | undefined): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.#worker.unref();
    if (result) waiting.resolve(result);
    else waiting.reject(new Error(error ?? 'the RSA operation failed'));
  }

  #fail(cause: Error): void {
    this.dead = true;
    this.#batch = [];
    this.#transfer = [];
    for (const w of this.waiting.values()) w.reject(new Error('the RSA thread stopped', { cause }));
    this.waiting.clear();
  }
}

export class RsaThreadPool {
  readonly #threads: Array<RsaThread | undefined>;
  #next = 1;
  #closed = false;

  /** `size` threads (1 or more), started on the first request. */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`an RSA thread pool has 1 or more threads, not ${size}`);
    this.#threads = new Array<RsaThread | undefined>(size).fill(undefined);
  }

  /** The private operation on the least busy thread; on this thread once the pool is closed (a request that outlived close). */
  readonly run: RsaPrivateOperation = (key: KeyObject, input: RsaPrivateInput) => {
    if (this.#closed) return Promise.resolve().then(() => rsaPrivateEncrypt(key, input));
    return this.#pick().run({ id: this.#next++, key, padding: input.padding, data: input.data });
  };

  /** Ends the threads (what they had out fails). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t?.stop()));
    this.#threads.fill(undefined);
  }

  #pick(): RsaThread {
    let best = -1;
    for (let i = 0; i < this.#threads.length; i++) {
      const t = this.#threads[i];
      if (!t || t.dead) {
        this.#threads[i] = undefined;
        if (best < 0 || this.#threads[best]) best = i;
        continue;
      }
      if (best < 0 || (this.#threads[best] && t.waiting.size < this.#threads[best]!.waiting.size)) best = i;
    }
    return (this.#threads[best] ??= new RsaThread());
  }
}
