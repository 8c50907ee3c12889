/**
 * One serving process per SQLite database. SQLite is one process's store (docs/store.md): the
 * ledger's writer, the audit chain and the key vault's version cache trust that nothing else
 * writes between their own writes. `confide serve` therefore claims its database for as long as it
 * runs: an exclusive lock on a file beside it (`<database>-serving`), taken and held by a SQLite
 * connection. It is a POSIX advisory lock, which the kernel drops when the process ends, kill -9
 * included, so a crash leaves nothing to clean up. A second process that claims the database fails
 * at once; readers such as `confide ledger export` do not claim it. Claims within one process share
 * the lock (tests run several servers in one process).
 */
import { realpathSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

const held = new Map<string, { db: Database.Database; claims: number }>();

/** Claims `database` (an existing file) for this process; returns the release. Throws ERR_STORE_UNAVAILABLE (reason "in-use") when another process holds it. */
export function claimSqliteDatabase(database: string): () => void {
  const path = `${realpathSync(database)}-serving`;
  let claim = held.get(path);
  if (claim === undefined) {
    const db = new Database(path, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      db.close();
      const busy = (err as { code?: unknown }).code === 'SQLITE_BUSY';
      if (!busy) throw new StoreError('ERR_STORE_UNAVAILABLE', `cannot claim the SQLite database ${database} for this server`, { cause: err });
      throw new StoreError('ERR_STORE_UNAVAILABLE', `the SQLite database ${database} is in use by another confide serve process; SQLite serves one process (stop the other, or run several replicas on PostgreSQL)`, { details: { reason: 'in-use' } });
    }
    claim = { db, claims: 0 };
    held.set(path, claim);
  }
  claim.claims += 1;
  const own = claim;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    own.claims -= 1;
    if (own.claims > 0) return;
    held.delete(path);
    own.db.close();
  };
}
