/**
 * `store` / CONFIDE_STORE / --store selects the engine: SQLite by default, PostgreSQL for a
 * postgres:// URL (a real server from test-kit), and the URL's password never shows.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { isConfideError } from '@confide/core';
import { dropSchema, freshSchema, rawQuery, testPostgres } from '@confide/test-kit/postgres';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/serve.js';
import { openConfiguredStore } from '../src/compose/store.js';
import { startSecureServer } from './security-helpers.js';

const server = testPostgres();
const SEAL_KEY = randomBytes(32).toString('base64');
after(() => server.stop());
const skip = server.skip;

test('serve with CONFIDE_STORE=postgres://... keeps its state in PostgreSQL; /readyz names the engine; a second start finds it', { skip }, async () => {
  const schema = freshSchema();
  const url = `${await server.url()}?schema=${schema}`;
  const first = await startSecureServer('dev', { env: { CONFIDE_STORE: url } });
  try {
    const ready = await first.send('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.json()['store'], 'postgres');
  } finally {
    await first.close();
  }
  try {
    // The first start wrote its token signing key there: the state is in the database, not the data directory.
    const keys = await rawQuery<{ n: number }>(await server.url(), `SELECT COUNT(*)::integer AS n FROM ${schema}.signing_keys`);
    assert.ok(keys[0]!.n >= 1);
  } finally {
    await dropSchema(await server.url(), schema);
  }
});

test('the default store is SQLite, and `sqlite` says so explicitly', async () => {
  for (const env of [{}, { CONFIDE_STORE: 'sqlite' }] as Array<Record<string, string>>) {
    const s = await startSecureServer('dev', { env });
    try {
      assert.equal((await s.send('GET', '/readyz')).json()['store'], 'sqlite');
    } finally {
      await s.close();
    }
  }
});

test('a store that is neither sqlite nor a postgres:// URL, or a URL beside a SQLite database file, is ERR_CONFIG_INVALID without echoing the value', async () => {
  const err = await openConfiguredStore({ store: 'mysql://u:pw-in-value@h/db', database: undefined }, '/nonexistent').then(
    () => assert.fail('opened'),
    (e: unknown) => e,
  );
  assert.ok(isConfideError(err, 'ERR_CONFIG_INVALID'));
  assert.ok(!(err as Error).message.includes('pw-in-value'));
  await assert.rejects(openConfiguredStore({ store: 'postgres://h/db', database: '/tmp/x.sqlite' }, '/nonexistent'), (e: unknown) => isConfideError(e, 'ERR_CONFIG_INVALID'));
});

test('an unreachable PostgreSQL fails the start with ERR_STORE_UNAVAILABLE, and the error does not carry the password', async () => {
  const url = 'postgres://confide:correct-horse-battery@127.0.0.1:1/confide';
  const { config } = loadConfig({ env: { CONFIDE_STORE: url, CONFIDE_PORT: '0', CONFIDE_LOG_LEVEL: 'silent', CONFIDE_DATA_DIR: `/tmp/confide-store-${randomBytes(4).toString('hex')}` } });
  assert.equal(config.store, url);
  const err = await startServer(config).then(
    () => assert.fail('started'),
    (e: unknown) => e,
  );
  assert.ok(isConfideError(err, 'ERR_STORE_UNAVAILABLE'), String(err));
  assert.ok(!JSON.stringify({ message: (err as Error).message, details: (err as { details?: unknown }).details }).includes('correct-horse-battery'));
});

test('two servers on one PostgreSQL database with one seal key serve the same token signing keys: the second reuses the key the first sealed', { skip }, async () => {
  const schema = freshSchema();
  const url = `${await server.url()}?schema=${schema}`;
  const shared = (dir: string): Record<string, string> => {
    const keyFile = `${dir}/shared-seal.key`;
    writeFileSync(keyFile, SEAL_KEY, { mode: 0o600 });
    return { CONFIDE_STORE: url, CONFIDE_SEAL_KEY_FILE: keyFile };
  };
  const a = await startSecureServer('dev', { env: shared });
  try {
    const b = await startSecureServer('dev', { env: shared });
    try {
      const [fromA, fromB] = await Promise.all([a.send('GET', '/certs'), b.send('GET', '/certs')]);
      assert.equal(fromA.status, 200);
      const kids = (r: typeof fromA) => (r.json()['keys'] as Array<{ kid: string }>).map((k) => k.kid);
      assert.ok(kids(fromA).length >= 1);
      assert.deepEqual(kids(fromB), kids(fromA));
      const stored = await rawQuery<{ n: number }>(await server.url(), `SELECT COUNT(*)::integer AS n FROM ${schema}.signing_keys`);
      assert.equal(stored[0]!.n, kids(fromA).length, 'the second server made no key of its own');
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
    await dropSchema(await server.url(), schema);
  }
});
