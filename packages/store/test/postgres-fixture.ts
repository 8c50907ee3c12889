/**
 * PostgreSQL stores for tests: one throw-away server per test process (test-kit's testPostgres),
 * and a fresh empty store per test in a schema of its own, dropped when the store closes, so
 * tests that run side by side never see each other's rows.
 */
import { after } from 'node:test';
import pg from 'pg';
import { dropSchema, freshSchema, testPostgres } from '@confide/test-kit/postgres';
import { openPostgresStore, type PostgresStoreOptions, type Store } from '../src/index.js';

export const server = testPostgres();
after(() => server.stop());

export { freshSchema };

/** A fresh store in a schema of its own; closing it drops the schema. */
export async function openFresh(options: PostgresStoreOptions = {}): Promise<Store> {
  const url = await server.url();
  const schema = options.schema ?? freshSchema();
  const store = await openPostgresStore(url, { ...options, schema });
  let dropped = false;
  return {
    ...store,
    async close() {
      await store.close();
      if (dropped) return;
      dropped = true;
      await dropSchema(url, schema);
    },
  };
}

/** A raw client on `schema`, for SQL that bypasses the repositories. */
export async function rawClient(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: await server.url(), options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}
