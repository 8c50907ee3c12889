/**
 * RSA private operations on threads of their own: node:crypto runs a raw RSA private operation
 * (a signature over a digest) only synchronously, and at about 0.3 ms for RSA-2048 it kept the
 * event loop, which also runs every HTTPS request, from the machine's other cores. Each request
 * goes to the thread with the fewest out, with the key object itself (its handle, not its
 * material), and the requests a thread gets in one turn of the event loop travel as one message
 * (a message costs tens of microseconds of CPU on each side): a thread keeps no key between
 * requests, so nothing is left to invalidate when a key goes. The answers come back in memory
 * shared with the thread (answer-slots.ts), which the event loop waits on instead of a message.
 * The threads start on the first request; a thread keeps the process alive only while a request
 * is out; one that dies fails what it had and is replaced on the next request.
 */
import type { KeyObject } from 'node:crypto';
import { setImmediate } from 'node:timers';
import { Worker } from 'node:worker_threads';
import { rsaPrivateEncrypt, type RsaPrivateInput, type RsaPrivateOperation } from '../rsa-private.js';
import { AnswerSlots, SLOTS } from './answer-slots.js';
import type { RsaThreadBatch, RsaThreadData, RsaThreadRequest } from './messages.js';

interface Waiting {
  resolve: (result: Uint8Array) => void;
  reject: (err: Error) => void;
}

type Unslotted = Omit<RsaThreadRequest, 'slot'>;

class RsaThread {
  readonly #answers = new AnswerSlots();
  readonly #worker: Worker;
  /** Slots free for a request (the last one is taken first). */
  readonly #free = Array.from({ length: SLOTS }, (_, i) => SLOTS - 1 - i);
  /** The requests out, by slot. */
  readonly #out = new Map<number, Waiting>();
  /** Requests that wait for a free slot, in arrival order. */
  readonly #queued: Array<{ request: Unslotted; waiting: Waiting }> = [];
  #batch: RsaThreadBatch = [];
  #transfer: ArrayBuffer[] = [];
  #watching = false;
  dead = false;

  constructor() {
    const data: RsaThreadData = { answers: this.#answers.buffer };
    this.#worker = new Worker(new URL('./thread.js', import.meta.url), { workerData: data });
    this.#worker.unref();
    this.#worker.on('error', (err) => this.#fail(err));
    this.#worker.on('exit', () => this.#fail(new Error('the RSA thread exited')));
  }

  /** Requests out or waiting for a slot. */
  get load(): number {
    return this.#out.size + this.#queued.length;
  }

  /**
   * Queues the request for this turn of the event loop's batch. Its input is copied into a buffer
   * of its own that moves to the thread: a small Buffer is a view of Node's shared 8 KiB pool,
   * which a message would otherwise copy whole.
   */
  run(key: KeyObject, input: RsaPrivateInput): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (this.load === 0) this.#worker.ref();
      const request = { key, padding: input.padding, data: new Uint8Array(input.data) };
      const slot = this.#free.pop();
      if (slot === undefined) this.#queued.push({ request, waiting: { resolve, reject } });
      else this.#send(slot, request, { resolve, reject });
    });
  }

  async stop(): Promise<void> {
    this.dead = true;
    await this.#worker.terminate();
  }

  #send(slot: number, request: Unslotted, waiting: Waiting): void {
    this.#out.set(slot, waiting);
    this.#transfer.push(request.data.buffer as ArrayBuffer);
    if (this.#batch.push({ slot, ...request }) === 1) setImmediate(() => this.#post());
    if (!this.#watching) void this.#watch();
  }

  #post(): void {
    if (this.dead) return;
    const batch = this.#batch;
    const transfer = this.#transfer;
    this.#batch = [];
    this.#transfer = [];
    this.#worker.postMessage(batch, transfer);
  }

  /** Takes the answers as the thread announces them, while requests are out. */
  async #watch(): Promise<void> {
    this.#watching = true;
    try {
      while (this.#out.size > 0 && !this.dead) {
        // Read before looking: an answer written after the look moves the count, and the wait returns at once.
        const seen = this.#answers.announced();
        this.#collect();
        if (this.#out.size > 0) await this.#answers.moved(seen);
      }
    } finally {
      this.#watching = false;
    }
  }

  #collect(): void {
    for (const [slot, waiting] of this.#out) {
      const answer = this.#answers.take(slot);
      if (!answer) continue;
      this.#out.delete(slot);
      this.#free.push(slot);
      if (answer.result) waiting.resolve(answer.result);
      else waiting.reject(new Error(answer.error));
    }
    while (this.#queued.length > 0 && this.#free.length > 0) {
      const { request, waiting } = this.#queued.shift()!;
      this.#send(this.#free.pop()!, request, waiting);
    }
    if (this.load === 0) this.#worker.unref();
  }

  #fail(cause: Error): void {
    this.dead = true;
    this.#batch = [];
    this.#transfer = [];
    const waiting = [...this.#out.values(), ...this.#queued.map((q) => q.waiting)];
    this.#out.clear();
    this.#queued.length = 0;
    for (const w of waiting) w.reject(new Error('the RSA thread stopped', { cause }));
    // The watcher waits for an announcement the dead thread will never make: this one lets it see `dead` and end.
    this.#answers.announce();
  }
}

export class RsaThreadPool {
  readonly #threads: Array<RsaThread | undefined>;
  #closed = false;

  /** `size` threads (1 or more), started on the first request. */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`an RSA thread pool has 1 or more threads, not ${size}`);
    this.#threads = new Array<RsaThread | undefined>(size).fill(undefined);
  }

  /** The private operation on the least busy thread; on this thread once the pool is closed (a request that outlived close). */
  readonly run: RsaPrivateOperation = (key: KeyObject, input: RsaPrivateInput) => {
    if (this.#closed) return Promise.resolve().then(() => rsaPrivateEncrypt(key, input));
    return this.#pick().run(key, input);
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
      if (best < 0 || (this.#threads[best] && t.load < this.#threads[best]!.load)) best = i;
    }
    return (this.#threads[best] ??= new RsaThread());
  }
}
