/**
 * Runs the PostgreSQL migrations once, whatever number of replicas start together: the first
 * takes a session advisory lock (per schema), the others wait on it and then find every
 * migration applied. Each migration runs in its own transaction with its schema_migrations row.
 * With `existing` (a reading tool), nothing is created or migrated: a schema that holds no
 * Confide store is refused before anything is created, and one whose migrations are not exactly
 * this build's is refused (reason `schema`) as SQLite's read-only open refuses it, instead of being
 * migrated under the servers that use it.
 */
import type { Pool, PoolClient } from 'pg';
import { StoreError } from '../errors.js';
import { assertSchemaIs } from '../schema-version.js';
import type { Migration } from '../port.js';

/** The advisory lock key of a schema's migrations (a 64-bit hash, computed by the server). */
const LOCK = "SELECT pg_advisory_lock(hashtextextended('confide.migrations:' || $1, 0))";
const UNLOCK = "SELECT pg_advisory_unlock(hashtextextended('confide.migrations:' || $1, 0))";

/** Whether the connection's search_path holds Confide's migrations table. */
async function holdsStore(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  return typeof rows[0]?.t === 'string';
}

export async function migrate(pool: Pool, migrations: Migration[], schema: string | undefined, existing = false): Promise<void> {
  const client = await pool.connect();
  const lockName = schema ?? '';
  let locked = false;
  try {
    await client.query(LOCK, [lockName]);
    locked = true;
    const where = schema === undefined ? "the connection's search_path" : `schema ${schema}`;
    if (existing && !(await holdsStore(client))) {
      throw new StoreError('ERR_STORE_UNAVAILABLE', `no Confide store in ${where}: nothing was created`);
    }
    if (existing) {
      assertSchemaIs((await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version')).rows, migrations, `the store in ${where}`);
      return;
    }
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Map((await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations')).rows.map((r) => [r.version, r.name]));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      const name = applied.get(m.version);
      if (name === m.name) continue;
      if (name !== undefined) {
        throw new StoreError('ERR_STORE_MIGRATION_FAILED', `the database has migration ${m.version} "${name}", this version expects "${m.name}": it comes from another build; move it away and start again`);
      }
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new StoreError('ERR_STORE_MIGRATION_FAILED', `PostgreSQL migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    if (locked) await client.query(UNLOCK, [lockName]).catch(() => undefined);
    client.release();
  }
}
