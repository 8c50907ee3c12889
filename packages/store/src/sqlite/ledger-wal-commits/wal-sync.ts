/**
 * The ledger's fsync, taken out of SQLite's commit so that several can be in flight at once: the
 * store commits a batch with synchronous=NORMAL (its frames written to the WAL file, not synced)
 * and then syncs the WAL file through a descriptor of its own, answering the batch only once that
 * sync returned. fdatasync flushes every written page of the file (and its size), not
 * only this descriptor's, so the batch's frames and every frame before them are then on disk, as
 * synchronous=FULL would have them. SQLite's own sync runs inside the commit, under the write
 * lock; this one runs on libuv's pool after the lock is released, so the next batch is inserted
 * while the last one syncs, and syncs of the one file overlap on the disk.
 */
import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export class WalSync {
  readonly #path: string;
  #fd: number | undefined;
  #inode: number | undefined;

  /** `databasePath`: the database file; SQLite keeps its WAL beside it as `<path>-wal`. */
  constructor(databasePath: string) {
    this.#path = `${databasePath}-wal`;
  }

  /**
   * Resolves once everything written to the WAL file so far is on disk; call it after the commit
   * whose frames must be durable. Rejects with the sync's error, or when the file at the WAL's
   * path is not the one this descriptor syncs (the caller must then stop answering: after a failed
   * sync the kernel may drop the pages it could not write).
   */
  sync(): Promise<void> {
    let fd: number;
    try {
      fd = this.#descriptor();
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /** Closes the descriptor (after the last sync resolved). */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  /**
   * The WAL's descriptor, opened at the first sync (after the first commit: SQLite's connection
   * has the file open then), when its directory is synced too. SQLite removes or replaces the WAL only when the last connection
   * closes, and the store's stays open until after the last sync, so the path keeps naming this file; that is
   * checked on every sync (a stat, about a microsecond), since a descriptor of a replaced file
   * would sync a file SQLite no longer writes.
   */
  #descriptor(): number {
    const inode = statSync(this.#path).ino;
    if (this.#fd === undefined) {
      this.#fd = openSync(this.#path, 'r');
      this.#inode = fstatSync(this.#fd).ino;
      // SQLite creates the WAL at each start; its directory entry is synced once, as synchronous=FULL
      // does, so the file answered batches live in is found after a power loss.
      const dir = openSync(dirname(this.#path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    if (inode !== this.#inode) throw new Error(`the WAL file ${this.#path} was replaced while the database was open`);
    return this.#fd;
  }
}
