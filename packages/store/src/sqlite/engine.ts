/**
 * SQLite engine over better-sqlite3 (WAL). better-sqlite3 is synchronous, so an async `tx(fn)`
 * would let other callers' statements slip into the open transaction; every operation therefore
 * goes through one serial queue, and a transaction holds the queue until it commits.
 */
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { assertSchemaIs } from '../schema-version.js';
import type { Migration, Repositories, Store } from '../port.js';
import { SerialQueue } from '../serial-queue.js';
import { aroundEach } from '../queued.js';
import { sqliteMigrations } from './migrations.js';
import { activationsOn } from './repositories/activations.js';
import { monotonicCountersOn } from './repositories/monotonic-counters.js';
import { auditLogOn } from './repositories/audit-log.js';
import { deletedKeysOn } from './repositories/deleted-keys.js';
import { keyRotationPoliciesOn } from './repositories/key-rotation-policies.js';
import { keyVersionsOn } from './repositories/key-versions.js';
import type { Db, DurableCommits } from './repositories/db.js';
import { managementCertificatesOn } from './repositories/management-certificates.js';
import { managementRequestsOn } from './repositories/management-requests.js';
import { policiesOn } from './repositories/policies.js';
import { sealedStateOn } from './repositories/sealed-state.js';
import { signingKeysOn } from './repositories/signing-keys.js';
import { vaultRootOn } from './repositories/vault-root.js';
import { ledgerAppender, ledgerTransactionsOn } from './repositories/ledger-transactions.js';
import { ledgerIdentityOn } from './repositories/ledger-identity.js';
import { ledgerUsersOn } from './repositories/ledger-users.js';
import { LedgerWalCommits } from './ledger-wal-commits/ledger-wal-commits.js';

/**
 * Ledger batches a writer may have out at once: each is committed as it comes and the WAL synced
 * after it, a large batch's on libuv's pool (four threads by default), so up to three syncs overlap
 * (a small batch's sync may run on the event loop: LedgerWalCommits).
 */
const LEDGER_WRITES_IN_FLIGHT = 3;

function repositoriesOn(db: Db, durable: DurableCommits): Repositories {
  return {
    sealedState: sealedStateOn(db),
    activations: activationsOn(db),
    monotonicCounters: monotonicCountersOn(db),
    auditLog: auditLogOn(db),
    policies: policiesOn(db),
    managementCertificates: managementCertificatesOn(db),
    signingKeys: signingKeysOn(db),
    managementRequests: managementRequestsOn(db),
    keyVersions: keyVersionsOn(db),
    deletedKeys: deletedKeysOn(db),
    keyRotationPolicies: keyRotationPoliciesOn(db),
    vaultRoot: vaultRootOn(db),
    ledgerTransactions: ledgerTransactionsOn(db, durable),
    ledgerIdentity: ledgerIdentityOn(db),
    ledgerUsers: ledgerUsersOn(db),
  };
}

export interface SqliteStoreOptions {
  /** Ledger commits with the WAL synced after the commit, off the queue (default, for a file); false syncs inside the commit (synchronous=FULL). */
  ledgerWalCommits?: boolean | undefined;
  /**
   * Opens an existing file for reading only (`confide ledger export` beside a running server): no
   * migration, no write. Throws ERR_STORE_UNAVAILABLE when the file's schema is not the one this
   * version migrates to.
   */
  readOnly?: boolean | undefined;
}

/** A database file (not `:memory:`, not an anonymous temporary database, not an in-memory URI). */
function isFile(path: string): boolean {
  return path !== '' && path !== ':memory:' && !/^file:.*(?:[?&]mode=memory|:memory:)/.test(path);
}

/** The migrations the file has applied, in version order. */
function appliedMigrations(db: Db): Array<{ version: number; name: string }> {
  return db.prepare<[], { version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version').all();
}

function migrate(db: Db, migrations: Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const applied = new Map(appliedMigrations(db).map((r) => [r.version, r.name]));
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const name = applied.get(m.version);
    if (name === m.name) continue;
    if (name !== undefined) {
      // A development database from before the first released schema: its data was never released.
      throw new StoreError('ERR_STORE_MIGRATION_FAILED', `the database has migration ${m.version} "${name}", this version expects "${m.name}": it comes from an unreleased development version; move it away and start again`);
    }
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
    } catch (err) {
      throw new StoreError('ERR_STORE_MIGRATION_FAILED', `SQLite migration ${m.version} (${m.name}) failed`, { cause: err });
    }
  }
}

/** For a read-only open: the file's schema must be exactly the one `migrations` build. */
function assertMigrated(db: Db, migrations: Migration[], path: string): void {
  let applied: Array<{ version: number; name: string }>;
  try {
    applied = appliedMigrations(db);
  } catch (err) {
    throw new StoreError('ERR_STORE_UNAVAILABLE', `${path} is not a Confide database (no schema_migrations table)`, { cause: err });
  }
  assertSchemaIs(applied, migrations, path);
}

/**
 * Opens (creating if needed) a SQLite store at `path` (":memory:" for tests) and migrates it.
 * Throws ERR_STORE_UNAVAILABLE, ERR_STORE_MIGRATION_FAILED.
 */
export function openSqliteStore(path: string, migrations: Migration[] = sqliteMigrations, options: SqliteStoreOptions = {}): Store {
  let db: Db;
  try {
    if (options.readOnly) {
      db = new Database(path, { readonly: true, fileMustExist: true });
    } else {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    }
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new StoreError('ERR_STORE_UNAVAILABLE', `cannot open SQLite database at ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (options.readOnly) assertMigrated(db, migrations, path);
    else migrate(db, migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  const queue = new SerialQueue();
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new StoreError('ERR_STORE_UNAVAILABLE', 'the store is closed');
  };
  const durable: DurableCommits = { syncAfterCommit: false };
  const direct = repositoriesOn(db, durable);
  const outside = aroundEach(direct, (call) =>
    queue.run(() => {
      ensureOpen();
      return call();
    }),
  );
  // A file's ledger commits hold the queue for the commit only, and are answered once the WAL synced
  // after it; an in-memory database has no WAL. Inside store.tx the append stays on `direct`.
  let commits: LedgerWalCommits | undefined;
  if (isFile(path) && options.ledgerWalCommits !== false && !options.readOnly) {
    const inTurn = <T>(job: () => T | Promise<T>): Promise<T> =>
      queue.run(async () => {
        ensureOpen();
        return job();
      });
    // Resolved now: the WAL's descriptor and the commit thread open it later, and a relative path must name the same file then.
    commits = new LedgerWalCommits(ledgerAppender(db), inTurn, resolve(path), LEDGER_WRITES_IN_FLIGHT);
    const walCommits = commits;
    outside.ledgerTransactions = { ...outside.ledgerTransactions, append: (rows) => walCommits.append(rows) };
  }
  // Appends run in call order either way (the queue takes them in turn), and a batch whose insert
  // fails leaves the head where it was (one whose sync fails stops every later one from committing):
  // the ledger writer may send the next batch while one is being synced.
  outside.ledgerTransactions = { ...outside.ledgerTransactions, writesInFlight: LEDGER_WRITES_IN_FLIGHT };

  return {
    engine: 'sqlite',
    ...outside,
    // One writer at a time: a transaction never has to run again.
    retries: () => 0,
    tx(fn) {
      return queue.run(async () => {
        ensureOpen();
        db.exec('BEGIN IMMEDIATE');
        durable.syncAfterCommit = false;
        let result;
        try {
          result = await fn(direct);
          db.exec('COMMIT');
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
        // With synchronous=NORMAL a checkpoint syncs the WAL first: the commit just made is on disk.
        if (durable.syncAfterCommit) db.pragma('wal_checkpoint(PASSIVE)');
        return result;
      });
    },
    async ping() {
      try {
        ensureOpen();
        db.prepare('SELECT 1').get();
      } catch (err) {
        throw new StoreError('ERR_STORE_UNAVAILABLE', 'the store does not answer', { cause: err });
      }
    },
    async schemaVersion() {
      const row = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations').get();
      return row?.v ?? 0;
    },
    close() {
      return queue.run(async () => {
        if (closed) return;
        closed = true;
        await commits?.close();
        db.close();
      });
    },
  };
}
