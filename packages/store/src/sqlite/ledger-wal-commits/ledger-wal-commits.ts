/**
 * Durable ledger commits in the store's queue (issue 9's durable append rate): each batch
 * is one transaction committed with synchronous=NORMAL (its frames written to the WAL, not synced),
 * taking its turn in the store's queue like any other statement; then the WAL file is fdatasynced
 * (WalSync: on libuv's pool, or on the event loop for a batch of at most INLINE_SYNC_MAX_ROWS rows
 * while the disk's syncs are fast) and the batch resolves only once that sync returned and every
 * batch sent before it settled: what was answered is on disk. The queue is free again as soon as
 * the commit is, so the next batch commits while the last one syncs on the pool and the syncs
 * overlap, each on a descriptor of its own, so that a batch waits for its own sync and those of the
 * batches before it, not for the syncs of later ones. A sync that fails fails its batch and every
 * later one (the kernel may have dropped the pages it could not write). Such a batch was committed
 * and may be on disk or not: its outcome is unknown, as after a crash, and reopening the ledger
 * from storage shows which.
 *
 * A batch is committed on the store's connection unless it has THREAD_MIN_ROWS rows or more and
 * the sync of an earlier batch is still out. Then the writer is sending batches faster than they
 * are made durable, so the calling thread has appends to hash meanwhile, and the batch is committed
 * on the commit thread (LedgerCommitThread) while the queue waits for it: its inserts, WAL writes
 * and the checkpoints it triggers (page writes and two fsyncs each) would hold the event loop for
 * several µs a row. Otherwise the connection is cheaper: at a few rows a batch two thread hand-offs
 * and a copy cost more than the inserts (docs/benchmarks.md, "Ledger appends over HTTPS"), and a
 * batch that nothing else waits beside (one write at a time) would only wait longer for its copy
 * and the hand-offs. Either way the WAL is then synced here. The thread starts with the first batch
 * that qualifies, which is still committed here; later ones go to the thread once it is ready.
 */
import { isConfideError } from '@confide/core';
import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.js';
import type { LedgerTransactionRow } from '../../port.js';
import { LedgerCommitThread } from './commit-thread.js';
import { WalSync } from './wal-sync.js';

type Appender = Database.Transaction<(rows: readonly LedgerTransactionRow[]) => void>;

/**
 * The fewest rows a batch committed on the commit thread has. The thread's hand-offs cost the main
 * thread tens of µs a batch and the copy about 0.5 µs a row, against several µs a row for the
 * commit here; with 16 appends in flight over HTTPS batches have a few rows and stay here. Over
 * HTTPS at 256 in flight the thread lost (its second core is busy with the client and TLS): 512
 * keeps those batches here and the thousand-row batches of thousands in flight on the thread
 * (docs/benchmarks.md, stop 24's idle A/B).
 */
export const THREAD_MIN_ROWS = 512;

/**
 * The most rows a batch whose WAL sync may run on the event loop has (WalSync: only while the
 * disk's syncs are fast). A small batch means few appends arrived during the last write: the event
 * loop has little to do while the sync runs, and the pool's hand-offs cost it more than the sync's
 * wait (at 16 in flight over HTTPS, batches of up to 16 rows: 1.27x the rate). A larger one means
 * it has the next appends to hash meanwhile: in process, batches of about 40 rows at 256 in flight
 * and hundreds at 4,096 lost 5 to 10% of the rate with an inline sync, and over HTTPS at 256 in
 * flight (about 45 rows) it made no clear difference (docs/benchmarks.md, stop 31).
 */
export const INLINE_SYNC_MAX_ROWS = 16;

export class LedgerWalCommits {
  readonly #append: Appender;
  readonly #inTurn: <T>(job: () => T | Promise<T>) => Promise<T>;
  readonly #wal: WalSync;
  readonly #databasePath: string;
  readonly #startThread: (databasePath: string) => LedgerCommitThread;
  #thread: LedgerCommitThread | undefined;
  /** The syncs out, for close to wait for. */
  readonly #out = new Set<Promise<void>>();
  /** Settles once the last batch sent settled: a batch resolves only after every batch before it. */
  #previous: Promise<unknown> = Promise.resolve();
  /** Batches sent so far: each batch's number in the order sent. */
  #sent = 0;
  /**
   * Set once a WAL sync failed, or the commit thread stopped with a batch out (`at`: that batch's
   * number; the earliest such batch): that batch and every later one fail. A batch sent before it
   * whose own sync returned success is on disk, and is answered so.
   */
  #failed: { error: StoreError; at: number } | undefined;

  /**
   * `append`: the batch insert (ledgerAppender) on a connection with synchronous=NORMAL; `inTurn`
   * runs a job in the store's queue; `databasePath`: the database file, whose WAL is synced;
   * `syncsInFlight`: how many WAL syncs may be out at once (the writes the store lets a writer send);
   * `wal` and `startThread` (the commit thread, started with the first batch that qualifies) are
   * given by tests.
   */
  constructor(
    append: Appender,
    inTurn: <T>(job: () => T | Promise<T>) => Promise<T>,
    databasePath: string,
    syncsInFlight: number,
    wal = new WalSync(databasePath, syncsInFlight),
    startThread = (path: string) => new LedgerCommitThread(path),
  ) {
    this.#append = append;
    this.#inTurn = inTurn;
    this.#wal = wal;
    this.#databasePath = databasePath;
    this.#startThread = startThread;
  }

  /** Commits `rows` as one transaction and resolves once they are on disk. Throws ERR_STORE_CONFLICT, ERR_STORE_UNAVAILABLE. */
  append(rows: readonly LedgerTransactionRow[]): Promise<void> {
    const previous = this.#previous;
    const settled = this.#appendAfter(rows, previous);
    this.#previous = settled.catch(() => undefined);
    return settled;
  }

  async #appendAfter(rows: readonly LedgerTransactionRow[], previous: Promise<unknown>): Promise<void> {
    const at = ++this.#sent;
    try {
      await this.#inTurn(() => {
        // Checked in the batch's turn: a batch queued before a sync failed must not commit after it.
        if (this.#failed) throw this.#failed.error;
        return this.#commit(rows, at);
      });
    } catch (err) {
      // A row that does not continue the ledger keeps its code; anything else is the store failing.
      if (isConfideError(err)) throw err;
      throw new StoreError('ERR_STORE_UNAVAILABLE', `the ledger commit failed: ${(err as Error).message}`, { details: { reason: 'sqlite' }, cause: err });
    }
    let syncFailed: StoreError | undefined;
    const synced = this.#wal.sync(rows.length <= INLINE_SYNC_MAX_ROWS).catch((err: unknown) => {
      syncFailed = new StoreError('ERR_STORE_UNAVAILABLE', `the ledger commit failed: the WAL sync failed: ${(err as Error).message}`, { details: { reason: 'WAL_SYNC_FAILED' }, cause: err });
      this.#fail(syncFailed, at);
    });
    this.#out.add(synced);
    try {
      await synced;
    } finally {
      this.#out.delete(synced);
    }
    // Answered in the order sent, and not when its own sync, or this or an earlier batch, failed.
    await previous;
    if (syncFailed) throw syncFailed;
    if (this.#failed && this.#failed.at <= at) throw this.#failed.error;
  }

  /** Records that batch `at` failed with `error`, unless an earlier one did. */
  #fail(error: StoreError, at: number): void {
    if (this.#failed === undefined || at < this.#failed.at) this.#failed = { error, at };
  }

  /** Waits for the syncs out, then ends the commit thread and closes the WAL's descriptor (before the connection closes). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#out]);
    await this.#thread?.close();
    this.#wal.close();
  }

  /** Commits `rows` (batch `at`) on the commit thread when it is large, an earlier batch's sync is out and the thread is ready, else on the store's connection. */
  #commit(rows: readonly LedgerTransactionRow[], at: number): Promise<void> | void {
    if (rows.length < THREAD_MIN_ROWS || this.#out.size === 0) return this.#append.immediate(rows);
    this.#thread ??= this.#startThread(this.#databasePath);
    if (this.#thread.ready) {
      return this.#thread.commit(rows).catch((err: unknown) => {
        // A thread that stopped with the batch out may have committed it: its outcome is unknown, so no later batch commits after it.
        if (this.#thread?.stopped) this.#fail(err as StoreError, at);
        throw err;
      });
    }
    this.#append.immediate(rows);
  }
}
