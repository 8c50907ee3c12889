/**
 * SQLite engine over better-sqlite3 (WAL). better-sqlite3 is synchronous, so an async `tx(fn)`
 * would let other callers' statements slip into the open transaction; every operation therefore
 * goes through one serial queue, and a transaction holds the queue until it commits.
 */
import Database from 'better-sqlite3';
import { ConfideError } from '@confide/core';
import type { Migration, Repositories, SettingsRepository, Store } from '../port.js';
import { SerialQueue } from '../serial-queue.js';
import { sqliteMigrations } from './migrations.js';

type Db = Database.Database;

function settingsOn(db: Db): SettingsRepository {
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putStmt = db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  const insertStmt = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING');
  const deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  const listStmt = db.prepare<[string, string], { key: string; value: string }>(
    'SELECT key, value FROM settings WHERE key >= ? AND key < ? ORDER BY key',
  );
  const countStmt = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM settings WHERE key >= ? AND key < ?');
  return {
    async get<T>(key: string) {
      const row = getStmt.get(key);
      return row === undefined ? undefined : (JSON.parse(row.value) as T);
    },
    async put(key, value) {
      putStmt.run(key, JSON.stringify(value), new Date().toISOString());
    },
    async putIfAbsent(key, value) {
      return insertStmt.run(key, JSON.stringify(value), new Date().toISOString()).changes === 1;
    },
    async delete(key) {
      return deleteStmt.run(key).changes === 1;
    },
    async list(prefix) {
      // Every key with the prefix sorts between the prefix and the prefix followed by U+FFFF.
      return listStmt.all(prefix, prefix + '\uffff').map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown }));
    },
    async count(prefix) {
      return countStmt.get(prefix, prefix + '\uffff')?.n ?? 0;
    },
  };
}

/** Wraps each repository method so that it runs through the queue. */
function queued(repos: Repositories, queue: SerialQueue): Repositories {
  const settings = repos.settings;
  return {
    settings: {
      get: (key) => queue.run(() => settings.get(key)),
      put: (key, value) => queue.run(() => settings.put(key, value)),
      putIfAbsent: (key, value) => queue.run(() => settings.putIfAbsent(key, value)),
      delete: (key) => queue.run(() => settings.delete(key)),
      list: (prefix) => queue.run(() => settings.list(prefix)),
      count: (prefix) => queue.run(() => settings.count(prefix)),
    },
  };
}

function migrate(db: Db, migrations: Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const applied = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((r) => r.version));
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
    } catch (err) {
      throw new ConfideError('ERR_STORE_MIGRATION_FAILED', `SQLite migration ${m.version} (${m.name}) failed`, { cause: err });
    }
  }
}

/**
 * Opens (creating if needed) a SQLite store at `path` (":memory:" for tests) and migrates it.
 * Throws ERR_STORE_UNAVAILABLE, ERR_STORE_MIGRATION_FAILED.
 */
export function openSqliteStore(path: string, migrations: Migration[] = sqliteMigrations): Store {
  let db: Db;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new ConfideError('ERR_STORE_UNAVAILABLE', `cannot open SQLite database at ${path}: ${(err as Error).message}`, { cause: err });
  }
  migrate(db, migrations);
  const queue = new SerialQueue();
  const direct = { settings: settingsOn(db) };
  const outside = queued(direct, queue);
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new ConfideError('ERR_STORE_UNAVAILABLE', 'the store is closed');
  };

  return {
    engine: 'sqlite',
    settings: outside.settings,
    tx(fn) {
      ensureOpen();
      return queue.run(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      });
    },
    async ping() {
      try {
        ensureOpen();
        db.prepare('SELECT 1').get();
      } catch (err) {
        throw new ConfideError('ERR_STORE_UNAVAILABLE', 'the store does not answer', { cause: err });
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
        db.close();
      });
    },
  };
}
