import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import net from 'node:net';
import { openPostgresStore, postgresMigrations, redactUrl, sqliteMigrations } from '../src/index.js';
import { connectTimeoutOfUrl, DEFAULT_CONNECT_TIMEOUT_MS } from '../src/postgres/url.js';
import { storeContract } from './contract.js';
import { keyVaultContract } from './keyvault-contract.js';
import { ledgerContract, ledgerRow } from './ledger-contract.js';
import { dropSchema } from '@confide/test-kit/postgres';
import { freshSchema, openFresh, rawClient, server } from './postgres-fixture.js';

const skip = server.skip;
if (skip) test(`postgres: skipped: ${skip}`, { skip }, () => undefined);

storeContract('postgres', () => openFresh(), { skip });
keyVaultContract('postgres', () => openFresh(), { skip });
ledgerContract('postgres', () => openFresh(), { skip });

test('the PostgreSQL migrations have the numbers and names of the SQLite ones, in lockstep', () => {
  assert.deepEqual(
    postgresMigrations.map((m) => [m.version, m.name]),
    sqliteMigrations.map((m) => [m.version, m.name]),
  );
});

test('a PostgreSQL URL is logged without its password', () => {
  assert.equal(redactUrl('postgres://confide:s3cret@db.example:5432/confide'), 'postgres://confide:***@db.example:5432/confide');
  assert.equal(redactUrl('postgres://db.example/confide'), 'postgres://db.example/confide');
  assert.ok(!redactUrl('not a url s3cret').includes('s3cret'));
});

test('postgres: the ledger and audit tables refuse UPDATE, DELETE and TRUNCATE from any SQL, not only through the repository', { skip }, async () => {
  const schema = freshSchema();
  const store = await openFresh({ schema });
  const raw = await rawClient(schema);
  try {
    await store.ledgerTransactions.append([ledgerRow(1), ledgerRow(2)]);
    await store.auditLog.append({ seq: 1, prevHash: 'g', hash: 'h1', entry: '{}' });
    for (const statement of [
      "UPDATE ledger_transactions SET body = 'x' WHERE seqno = 1",
      'DELETE FROM ledger_transactions WHERE seqno = 2',
      'TRUNCATE ledger_transactions',
      "UPDATE audit_log SET entry = 'forged'",
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
    ]) {
      await assert.rejects(raw.query(statement), /append-only/, statement);
    }
    assert.equal((await raw.query('SELECT COUNT(*)::integer AS n FROM ledger_transactions')).rows[0].n, 2);
  } finally {
    await raw.end();
    await store.close();
  }
});

test('postgres: a monotonic counter refuses an UPDATE that would lower it from any SQL', { skip }, async () => {
  const schema = freshSchema();
  const store = await openFresh({ schema });
  const raw = await rawClient(schema);
  try {
    await store.monotonicCounters.raise({ id: 'c', value: Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 0), sealed: Uint8Array.of(1) });
    await assert.rejects(raw.query("UPDATE monotonic_counters SET value = '\\x00000000000000ff'"), /never decreases/);
    await raw.query("UPDATE monotonic_counters SET value = '\\x0000000000000101'");
    await assert.rejects(raw.query("UPDATE monotonic_counters SET value = '\\x01'"), /check constraint/);
  } finally {
    await raw.end();
    await store.close();
  }
});

test('postgres: replicas that start together on one database migrate it once (advisory lock), and data survives reopening', { skip }, async () => {
  const schema = freshSchema();
  const url = await server.url();
  const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url, { schema })));
  const raw = await rawClient(schema);
  try {
    for (const s of stores) assert.equal(await s.schemaVersion(), postgresMigrations.length);
    const applied = (await raw.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r: { version: number }) => r.version);
    assert.deepEqual(applied, postgresMigrations.map((m) => m.version));
    await stores[0]!.policies.put({ type: 'Tpm', text: 'kept', jws: 'j', signer: null, setAt: 't' });
    await Promise.all(stores.map((s) => s.close()));
    const again = await openFresh({ schema });
    assert.equal((await again.policies.get('Tpm'))?.text, 'kept');
    await again.close();
  } finally {
    await raw.end();
  }
});

test('postgres: a database with another migration under the same number is refused with ERR_STORE_MIGRATION_FAILED', { skip }, async () => {
  const schema = freshSchema();
  const store = await openFresh({ schema });
  const raw = await rawClient(schema);
  try {
    await raw.query("UPDATE schema_migrations SET name = 'something-else' WHERE version = 1");
    await assert.rejects(openPostgresStore(await server.url(), { schema }), (err: unknown) => isConfideError(err, 'ERR_STORE_MIGRATION_FAILED'));
  } finally {
    await raw.end();
    await store.close();
  }
});

test('postgres: a failing migration leaves the previous version and says ERR_STORE_MIGRATION_FAILED', { skip }, async () => {
  const schema = freshSchema();
  const migrations = [postgresMigrations[0]!, { version: 2, name: 'broken', sql: 'CREATE TABLE (' }];
  await assert.rejects(openPostgresStore(await server.url(), { schema, migrations }), (err: unknown) => isConfideError(err, 'ERR_STORE_MIGRATION_FAILED'));
  const store = await openFresh({ schema, migrations: [postgresMigrations[0]!] });
  assert.equal(await store.schemaVersion(), 1);
  await store.close();
});

test('postgres: an unreachable server says ERR_STORE_UNAVAILABLE, and the message keeps the password out', async () => {
  const err = await openPostgresStore('postgres://confide:hunter2@127.0.0.1:1/confide').then(
    () => assert.fail('opened'),
    (e: unknown) => e,
  );
  assert.ok(isConfideError(err, 'ERR_STORE_UNAVAILABLE'), String(err));
  assert.ok(!(err as Error).message.includes('hunter2'), (err as Error).message);
});

test('postgres: a server that accepts the connection and never answers says ERR_STORE_UNAVAILABLE after the URL\'s connect_timeout, not never', async () => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const started = Date.now();
    const err = await openPostgresStore(`postgres://confide:hunter2@127.0.0.1:${port}/confide?connect_timeout=2`).then(
      () => assert.fail('opened'),
      (e: unknown) => e,
    );
    const waited = Date.now() - started;
    assert.ok(isConfideError(err, 'ERR_STORE_UNAVAILABLE'), String(err));
    assert.match((err as Error).message, /no answer within 2 s; the URL's connect_timeout sets this/);
    assert.ok(!(err as Error).message.includes('hunter2'), (err as Error).message);
    assert.ok(waited >= 1900 && waited < 8000, `waited ${waited} ms`);
  } finally {
    silent.close();
  }
});

test('the PostgreSQL URL\'s connect_timeout: libpq\'s seconds (0 or less: no limit, 1 counts as 2), 10 s without it, taken out of the URL the driver sees', () => {
  assert.deepEqual(connectTimeoutOfUrl('postgres://h/db'), { url: 'postgres://h/db', connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS });
  assert.equal(DEFAULT_CONNECT_TIMEOUT_MS, 10_000);
  assert.deepEqual(connectTimeoutOfUrl('postgres://h/db?connect_timeout=5&sslmode=require'), { url: 'postgres://h/db?sslmode=require', connectTimeoutMs: 5000 });
  assert.equal(connectTimeoutOfUrl('postgres://h/db?connect_timeout=1').connectTimeoutMs, 2000);
  assert.equal(connectTimeoutOfUrl('postgres://h/db?connect_timeout=0').connectTimeoutMs, 0);
  assert.equal(connectTimeoutOfUrl('postgres://h/db?connect_timeout=-3').connectTimeoutMs, 0);
  for (const bad of ['abc', '2.5', '', '1e3']) {
    assert.throws(() => connectTimeoutOfUrl(`postgres://h/db?connect_timeout=${bad}`), (err: unknown) => isConfideError(err, 'ERR_CONFIG_INVALID'), bad);
  }
});

test('postgres: a URL with connect_timeout opens and works', { skip }, async () => {
  const schema = freshSchema();
  const store = await openPostgresStore(`${await server.url()}?connect_timeout=5`, { schema });
  try {
    await store.policies.put({ type: 'Tpm', text: 'here', jws: 'j', signer: null, setAt: 't' });
    assert.equal((await store.policies.get('Tpm'))?.text, 'here');
  } finally {
    await store.close();
    await (await openFresh({ schema })).close();
  }
});

test('postgres: a schema name that is not a plain identifier is refused with ERR_CONFIG_INVALID', async () => {
  await assert.rejects(openPostgresStore('postgres://127.0.0.1:1/x', { schema: 'a; DROP TABLE x' }), (err: unknown) => isConfideError(err, 'ERR_CONFIG_INVALID'));
});

test('postgres: the URL\'s ?schema= keeps the tables in that schema', { skip }, async () => {
  const schema = freshSchema();
  const store = await openPostgresStore(`${await server.url()}?schema=${schema}`);
  const raw = await rawClient(schema);
  try {
    await store.policies.put({ type: 'Tpm', text: 'here', jws: 'j', signer: null, setAt: 't' });
    assert.equal((await raw.query(`SELECT text FROM ${schema}.attestation_policies`)).rows[0].text, 'here');
  } finally {
    await raw.end();
    await store.close();
    await (await openFresh({ schema })).close();
  }
});

test('postgres: with `existing`, a schema without a Confide store is refused and not created; one that holds a store opens', { skip }, async () => {
  const schema = freshSchema();
  const url = await server.url();
  const raw = await rawClient('public');
  try {
    await assert.rejects(openPostgresStore(url, { schema, existing: true }), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE') && (err as Error).message.includes(`no Confide store in schema ${schema}`));
    assert.equal((await raw.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).rowCount, 0);
    await (await openPostgresStore(url, { schema })).close();
    const existing = await openPostgresStore(url, { schema, existing: true });
    assert.equal(await existing.schemaVersion(), postgresMigrations.length);
    await existing.close();
  } finally {
    await raw.end();
    await dropSchema(url, schema);
  }
});

test('postgres: with `existing`, a store of an older schema is refused (reason schema) and not migrated, as SQLite read-only refuses it', { skip }, async () => {
  const schema = freshSchema();
  const url = await server.url();
  const older = postgresMigrations.filter((m) => m.version < postgresMigrations.length);
  try {
    await (await openPostgresStore(url, { schema, migrations: older })).close();
    await assert.rejects(openPostgresStore(url, { schema, existing: true }), (err: unknown) => {
      assert.ok(isConfideError(err, 'ERR_STORE_UNAVAILABLE'), String(err));
      assert.equal(err.details?.reason, 'schema');
      assert.match((err as Error).message, new RegExp(`schema version ${older.length}, this version of Confide reads version ${postgresMigrations.length}`));
      return true;
    });
    const raw = await rawClient(schema);
    try {
      assert.equal((await raw.query('SELECT COUNT(*)::int AS n FROM schema_migrations')).rows[0].n, older.length, 'nothing was migrated');
    } finally {
      await raw.end();
    }
  } finally {
    await dropSchema(url, schema);
  }
});

test('postgres: migration 8 drops the "loaded" member (a private JWK) that rotations wrote into key meta, and leaves every other member', { skip }, async () => {
  const schema = freshSchema();
  const before = await openPostgresStore(await server.url(), { schema, migrations: postgresMigrations.filter((m) => m.version < 8) });
  const meta = { family: 'EC', hsm: false, publicJwk: { crv: 'P-256', x: 'x', y: 'y' }, keyOps: ['sign', 'verify'], tags: { a: 'b' }, exportable: false };
  await before.keyVersions.insert({ name: 'k', version: 'v1', meta: JSON.stringify({ ...meta, loaded: { jwk: { d: 'private-d' } } }), sealedMaterial: Uint8Array.of(1) });
  await before.close();
  const after = await openFresh({ schema });
  try {
    assert.deepEqual(JSON.parse((await after.keyVersions.get('k', 'v1'))!.meta), meta);
  } finally {
    await after.close();
  }
});
