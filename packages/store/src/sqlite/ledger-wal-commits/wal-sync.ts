/**
 * The ledger's fsync, taken out of SQLite's commit so that several can be in flight at once: the
 * store commits a batch with synchronous=NORMAL (its frames written to the WAL file, not synced)
 * and then syncs the WAL file through a descriptor of its own, answering the batch only once that
 * sync returned. fdatasync flushes every written page of the file (and its size), not
 * only this descriptor's, so the batch's frames and every frame before them are then on disk, as
 * synchronous=FULL would have them. SQLite's own sync runs inside the commit, under the write
 * lock; this one runs after the lock is released, on libuv's pool, so the next batch is inserted
 * while the last one syncs, and syncs of the one file overlap on the disk (or inline: below).
 *
 * Each sync in flight has a descriptor (an open file description) to itself. Linux reports an error
 * writing back a file's pages once to each open file description, on its next fsync (errseq_t,
 * since 4.13): two syncs out at once on one description could see one error between them, the one
 * whose pages failed answering success. On descriptors of their own, a sync that returns success
 * saw no write-back error of the file since its descriptor's last sync, so its pages are on disk,
 * whatever the syncs beside it report. The descriptors are all opened together, before the first
 * sync: a description opened after an error that another had seen would not report it.
 *
 * A sync the caller allows to run inline (a small batch: the event loop has little else to do
 * meanwhile) runs on the calling thread while the file's recent syncs took under `inlineUnderMs` on
 * average: on a fast disk that holds the event loop for a couple of hundred µs, where a sync on the
 * pool costs the event loop more CPU than that in hand-offs (waking a pool thread, which then
 * preempts it, and the completion's wake-up; measured at 16 appends in flight over HTTPS: about 25
 * µs of server CPU per append, 100 to 200 µs a sync; docs/benchmarks.md, stop 31). A slow disk
 * (its syncs averaging `inlineUnderMs` or more) gets its syncs on the pool, so that it does not hold
 * the event loop; the pool's syncs are timed too, so an inline sync comes back once the disk is
 * fast again.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

/** fdatasync's callback form (node:fs), injectable for tests. */
export type FdatasyncFn = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

/** The average sync time (ms) under which a sync allowed inline runs on the calling thread. */
export const INLINE_UNDER_MS = 1;
/** Weight of the latest sync in the running average of sync times. */
const AVERAGE_WEIGHT = 0.25;

export interface WalSyncOptions {
  /** fdatasync on libuv's pool (default node:fs `fdatasync`). */
  fdatasync?: FdatasyncFn;
  /** fdatasync on the calling thread (default node:fs `fdatasyncSync`). */
  fdatasyncNow?: (fd: number) => void;
  /** Inline syncs only while the recent ones averaged under this many ms (default INLINE_UNDER_MS; 0: never inline). */
  inlineUnderMs?: number;
  /** A monotonic clock in ms (default performance.now). */
  now?: () => number;
}

export class WalSync {
  readonly #path: string;
  readonly #descriptors: number;
  readonly #fdatasync: FdatasyncFn;
  readonly #fdatasyncNow: (fd: number) => void;
  readonly #inlineUnderMs: number;
  readonly #now: () => number;
  /** Running average of the syncs' times (ms), inline and on the pool. */
  #averageMs = 0;
  /** Every descriptor, once opened; the free ones; syncs waiting for one. */
  #all: number[] = [];
  #free: number[] = [];
  readonly #waiting: Array<(fd: number) => void> = [];
  #inode: number | undefined;
  #closed = false;

  /**
   * `databasePath`: the database file; SQLite keeps its WAL beside it as `<path>-wal`.
   * `descriptors`: how many syncs may be in flight at once (more wait for a descriptor to be free).
   */
  constructor(databasePath: string, descriptors: number, options: WalSyncOptions = {}) {
    this.#path = `${databasePath}-wal`;
    this.#descriptors = Math.max(1, descriptors);
    this.#fdatasync = options.fdatasync ?? fdatasync;
    this.#fdatasyncNow = options.fdatasyncNow ?? fdatasyncSync;
    this.#inlineUnderMs = options.inlineUnderMs ?? INLINE_UNDER_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The running average of the syncs' times, in ms. */
  get averageMs(): number {
    return this.#averageMs;
  }

  /**
   * Resolves once everything written to the WAL file before the call is on disk; call it after the commit
   * whose frames must be durable. Rejects with the sync's error, or when the file at the WAL's
   * path is not the one the descriptors sync (the caller must then stop answering: after a failed
   * sync the kernel may drop the pages it could not write). `mayRunInline`: the caller lets it run on
   * the calling thread, which it then does while the recent syncs were fast and a descriptor is free.
   */
  async sync(mayRunInline = false): Promise<void> {
    // After close a sync would open descriptors that nothing closes: it fails instead (its batch's outcome is then unknown).
    if (this.#closed) throw new Error(`the WAL file ${this.#path} is closed`);
    this.#checkFile();
    const inline = mayRunInline && this.#averageMs < this.#inlineUnderMs && this.#free.length > 0;
    const fd = this.#free.pop() ?? (await new Promise<number>((resolve) => this.#waiting.push(resolve)));
    const started = this.#now();
    try {
      if (inline) this.#fdatasyncNow(fd);
      else await new Promise<void>((resolve, reject) => this.#fdatasync(fd, (err) => (err ? reject(err) : resolve())));
    } finally {
      this.#averageMs += AVERAGE_WEIGHT * (this.#now() - started - this.#averageMs);
      const next = this.#waiting.shift();
      if (next) next(fd);
      else this.#free.push(fd);
    }
  }

  /** Closes the descriptors (after the last sync resolved). */
  close(): void {
    this.#closed = true;
    for (const fd of this.#all) closeSync(fd);
    this.#all = [];
    this.#free = [];
  }

  /**
   * Opens the descriptors at the first sync (after the first commit: SQLite's connection has the
   * file open then), when the WAL's directory is synced too. SQLite removes or replaces the WAL
   * only when the last connection closes, and the store's stays open until after the last sync, so
   * the path keeps naming this file; that is checked on every sync (a stat, about a microsecond),
   * since a descriptor of a replaced file would sync a file SQLite no longer writes.
   */
  #checkFile(): void {
    const inode = statSync(this.#path).ino;
    if (this.#inode === undefined) this.#open();
    if (inode !== this.#inode) throw new Error(`the WAL file ${this.#path} was replaced while the database was open`);
  }

  #open(): void {
    const opened: number[] = [];
    try {
      for (let i = 0; i < this.#descriptors; i++) opened.push(openSync(this.#path, 'r'));
      const inodes = new Set(opened.map((fd) => fstatSync(fd).ino));
      if (inodes.size !== 1) throw new Error(`the WAL file ${this.#path} was replaced while its descriptors were opened`);
      // SQLite creates the WAL at each start; its directory entry is synced once, as synchronous=FULL
      // does, so the file answered batches live in is found after a power loss.
      const dir = openSync(dirname(this.#path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
      this.#inode = [...inodes][0];
    } catch (err) {
      for (const fd of opened) closeSync(fd);
      throw err;
    }
    this.#all = opened;
    this.#free = [...opened];
  }
}
