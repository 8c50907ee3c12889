/**
 * Opens the store the configuration names: SQLite (the default, a private file) or PostgreSQL
 * (`store` = a postgres:// URL; the driver is loaded only then). The URL's password never reaches
 * an error, a warning or a log line. Throws ERR_CONFIG_INVALID, ERR_DATA_DIR_UNUSABLE,
 * ERR_STORE_UNAVAILABLE (for SQLite also when another process serves the file), ERR_STORE_MIGRATION_FAILED.
 */
import { join } from 'node:path';
import { claimSqliteDatabase, openPostgresStore, openSqliteStore, type Store } from '@confide/store';
import type { Config } from '../config/schema.js';
import { ServerError } from '../errors/index.js';
import { privateFile } from './private-file.js';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export async function openConfiguredStore(config: Pick<Config, 'store' | 'database'>, dataDir: string): Promise<Store> {
  const store = config.store?.trim();
  if (store === undefined || store === '' || store === 'sqlite') return servingSqlite(privateFile(config.database ?? join(dataDir, 'confide.sqlite')));
  // The value is never echoed: a URL typed slightly wrong still holds its password.
  if (!POSTGRES_URL.test(store)) throw new ServerError('ERR_CONFIG_INVALID', 'store (CONFIDE_STORE, --store) must be "sqlite" or a postgres:// URL', { details: { key: 'store' } });
  if (config.database !== undefined) {
    throw new ServerError('ERR_CONFIG_INVALID', 'database names a SQLite file while store names PostgreSQL: set one of them', { details: { key: 'store' } });
  }
  return openPostgresStore(store);
}

/** The SQLite store at `path`, claimed for this process until it closes (serving-claim.ts in the store). */
function servingSqlite(path: string): Store {
  if (path === ':memory:') return openSqliteStore(path);
  // Claimed before it is opened: opening migrates, which only the process that serves it may do.
  const release = claimSqliteDatabase(path);
  let store: Store;
  try {
    store = openSqliteStore(path);
  } catch (err) {
    release();
    throw err;
  }
  return {
    ...store,
    async close() {
      try {
        await store.close();
      } finally {
        release();
      }
    },
  };
}
