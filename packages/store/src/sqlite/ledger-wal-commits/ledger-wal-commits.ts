/**
 * Durable ledger commits on the store's own connection (issue 9's durable append rate): each batch
 * is one transaction committed with synchronous=NORMAL (its frames written to the WAL, not synced),
 * taking its turn in the store's queue like any other statement; then the WAL file is fdatasynced on
 * libuv's pool (WalSync) and the batch resolves only once that sync returned: what was answered is
 * on disk. The queue is free again as soon as the commit is, so the next batch commits while the
 * last one syncs and the syncs overlap. A sync that fails fails its batch, every batch whose sync
 * was out beside it, and every later one (the kernel may have dropped the pages it could not
 * write). Such a batch was committed and may be on disk or not: its outcome is unknown, as after a
 * crash, and reopening the ledger from storage shows which.
 *
 * The commit costs the calling thread the inserts and the WAL's write calls (no disk wait); the
 * fsync's own CPU is on the pool. Measured against a commit thread of its own (docs/benchmarks.md,
 * "Ledger appends over HTTPS"): a batch no longer crosses threads twice, and is not copied.
 */
import { isConfideError } from '@confide/core';
import type Database from 'better-sqlite3';
import { StoreError } from '../../errors.js';
import type { LedgerTransactionRow } from '../../port.js';
import { WalSync } from './wal-sync.js';

type Appender = Database.Transaction<(rows: readonly LedgerTransactionRow[]) => void>;

export class LedgerWalCommits {
  readonly #append: Appender;
  readonly #inTurn: <T>(job: () => T) => Promise<T>;
  readonly #wal: WalSync;
  /** The syncs out, for close to wait for. */
  readonly #out = new Set<Promise<void>>();
  #syncFailed: StoreError | undefined;

  /**
   * `append`: the batch insert (ledgerAppender) on a connection with synchronous=NORMAL; `inTurn`
   * runs a job in the store's queue; `databasePath`: the database file, whose WAL is synced.
   */
  constructor(append: Appender, inTurn: <T>(job: () => T) => Promise<T>, databasePath: string) {
    this.#append = append;
    this.#inTurn = inTurn;
    this.#wal = new WalSync(databasePath);
  }

  /** Commits `rows` as one transaction and resolves once they are on disk. Throws ERR_STORE_CONFLICT, ERR_STORE_UNAVAILABLE. */
  async append(rows: readonly LedgerTransactionRow[]): Promise<void> {
    try {
      await this.#inTurn(() => {
        // Checked in the batch's turn: a batch queued before a sync failed must not commit after it.
        if (this.#syncFailed) throw this.#syncFailed;
        this.#append.immediate(rows);
      });
    } catch (err) {
      // A row that does not continue the ledger keeps its code; anything else is the store failing.
      if (isConfideError(err)) throw err;
      throw new StoreError('ERR_STORE_UNAVAILABLE', `the ledger commit failed: ${(err as Error).message}`, { details: { reason: 'sqlite' }, cause: err });
    }
    const synced = this.#wal.sync().catch((err: unknown) => {
      this.#syncFailed ??= new StoreError('ERR_STORE_UNAVAILABLE', `the ledger commit failed: the WAL sync failed: ${(err as Error).message}`, { details: { reason: 'WAL_SYNC_FAILED' }, cause: err });
    });
    this.#out.add(synced);
    try {
      await synced;
      // Linux reports an error writing back the file's pages to one of the syncs of a descriptor
      // that are in flight, not to each: a sync that succeeded counts only once every sync out
      // beside it settled without failing.
      await Promise.all([...this.#out]);
    } finally {
      this.#out.delete(synced);
    }
    if (this.#syncFailed) throw this.#syncFailed;
  }

  /** Waits for the syncs out, then closes the WAL's descriptor (before the connection closes). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#out]);
    this.#wal.close();
  }
}
