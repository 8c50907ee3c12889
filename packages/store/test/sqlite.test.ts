import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isConfideError } from '@confide/core';
import { openSqliteStore, sqliteMigrations } from '../src/index.js';
import { storeContract } from './contract.js';
import { keyVaultContract } from './keyvault-contract.js';
import { ledgerContract, ledgerRow } from './ledger-contract.js';

storeContract('sqlite', async () => openSqliteStore(':memory:'));
keyVaultContract('sqlite', async () => openSqliteStore(':memory:'));
ledgerContract('sqlite', async () => openSqliteStore(':memory:'));
// A file's ledger commits are WAL-synced after the commit, outside the queue's hold: the same contract holds.
const files = mkdtempSync(join(tmpdir(), 'confide-store-wal-'));
after(() => rmSync(files, { recursive: true, force: true }));
let fileCount = 0;
ledgerContract('sqlite file (WAL-synced commits)', async () => openSqliteStore(join(files, `ledger-${fileCount++}.db`)));

test(
  'sqlite file: WAL-synced ledger commits are on disk when answered, seen by another connection, and closing waits for them',
  withDir(async (dir) => {
    const path = join(dir, 'wal.db');
    const store = openSqliteStore(path);
    const rows = Array.from({ length: 500 }, (_, i) => ledgerRow(i + 1));
    await store.ledgerTransactions.append(rows.slice(0, 100));
    // Read by another connection while the store is open: committed, not waiting in a cache.
    const raw = new Database(path, { readonly: true });
    assert.equal((raw.prepare('SELECT COUNT(*) AS n FROM ledger_transactions').get() as { n: number }).n, 100);
    raw.close();
    assert.equal(await store.ledgerTransactions.head(), 100, 'the store reads its own commit');
    const out = store.ledgerTransactions.append(rows.slice(100));
    await store.close();
    await out;
    await assert.rejects(store.ledgerTransactions.append([ledgerRow(501)]), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'));
    const reopened = openSqliteStore(path);
    try {
      assert.deepEqual(await reopened.ledgerTransactions.range(1, 1000), rows);
    } finally {
      await reopened.close();
    }
  }),
);

test(
  'sqlite file: batches posted before the last one resolved commit in order, each answered after its WAL sync; a WAL sync that cannot be done fails its batch and every later one',
  withDir(async (dir) => {
    const path = join(dir, 'sync.db');
    const store = openSqliteStore(path);
    try {
      // Several out at once (the writer's writesInFlight): their syncs overlap, their rows land in order.
      await Promise.all(Array.from({ length: 8 }, (_, b) => store.ledgerTransactions.append(Array.from({ length: 5 }, (_, i) => ledgerRow(b * 5 + i + 1)))));
      assert.equal(await store.ledgerTransactions.head(), 40);
      // The WAL removed under the open database: the commit lands in SQLite's (now nameless) file,
      // but its sync cannot be vouched for, so the batch is not answered as durable.
      rmSync(`${path}-wal`);
      const failed = (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE') && (err as { details?: { reason?: string } }).details?.reason === 'WAL_SYNC_FAILED';
      await assert.rejects(store.ledgerTransactions.append([ledgerRow(41)]), failed);
      await assert.rejects(store.ledgerTransactions.append([ledgerRow(42)]), failed, 'a later batch is refused too');
    } finally {
      await store.close();
    }
  }),
);

test(
  'sqlite: the ledger table refuses UPDATE and DELETE from any SQL, not only through the repository',
  withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const store = openSqliteStore(path);
    await store.ledgerTransactions.append([ledgerRow(1), ledgerRow(2)]);
    await store.close();
    const raw = new Database(path);
    try {
      assert.throws(() => raw.prepare("UPDATE ledger_transactions SET body = 'x' WHERE seqno = 1").run(), /append-only/);
      assert.throws(() => raw.prepare('DELETE FROM ledger_transactions WHERE seqno = 2').run(), /append-only/);
      assert.equal((raw.prepare('SELECT COUNT(*) AS n FROM ledger_transactions').get() as { n: number }).n, 2);
    } finally {
      raw.close();
    }
  }),
);

function withDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-store-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'sqlite: data survives reopening a file database, migrations run once',
  withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const first = openSqliteStore(path);
    await first.policies.put({ type: 'Tpm', text: 'kept', jws: 'j', signer: null, setAt: 't' });
    await first.close();
    const second = openSqliteStore(path);
    assert.equal((await second.policies.get('Tpm'))?.text, 'kept');
    assert.equal(await second.schemaVersion(), sqliteMigrations.length);
    await second.close();
  }),
);

test(
  'sqlite: a monotonic counter refuses an UPDATE that would lower it even from outside the repository',
  withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const store = openSqliteStore(path);
    await store.monotonicCounters.raise({ id: 'c', value: Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 0), sealed: Uint8Array.of(1) });
    await store.close();
    const raw = new Database(path);
    try {
      assert.throws(() => raw.prepare("UPDATE monotonic_counters SET value = x'00000000000000ff'").run(), /never decreases/);
      raw.prepare("UPDATE monotonic_counters SET value = x'0000000000000101'").run();
      assert.throws(() => raw.prepare("UPDATE monotonic_counters SET value = x'01'").run(), /CHECK constraint/);
    } finally {
      raw.close();
    }
  }),
);

test(
  'sqlite: the audit log refuses UPDATE and DELETE even from outside the repository',
  withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const store = openSqliteStore(path);
    await store.auditLog.append({ seq: 1, prevHash: 'g', hash: 'h1', entry: '{}' });
    await store.close();
    const raw = new Database(path);
    try {
      assert.throws(() => raw.prepare("UPDATE audit_log SET entry = 'forged'").run(), /append-only/);
      assert.throws(() => raw.prepare('DELETE FROM audit_log').run(), /append-only/);
    } finally {
      raw.close();
    }
  }),
);

test(
  'sqlite: a database from the unreleased key-value schema is refused with ERR_STORE_MIGRATION_FAILED, not half-used',
  withDir((dir) => {
    const path = join(dir, 'db.sqlite');
    const raw = new Database(path);
    raw.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT; INSERT INTO schema_migrations VALUES (1, 'settings', 'x')");
    raw.close();
    assert.throws(() => openSqliteStore(path), (err: unknown) => isConfideError(err, 'ERR_STORE_MIGRATION_FAILED'));
  }),
);

test('sqlite: a failing migration leaves the previous version and says ERR_STORE_MIGRATION_FAILED', () => {
  assert.throws(
    () => openSqliteStore(':memory:', [{ version: 1, name: 'broken', sql: 'CREATE TABLE (' }]),
    (err: unknown) => isConfideError(err, 'ERR_STORE_MIGRATION_FAILED'),
  );
});

test('sqlite: an unusable path says ERR_STORE_UNAVAILABLE', () => {
  assert.throws(
    () => openSqliteStore('/proc/no-such-dir/db.sqlite'),
    (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'),
  );
});

test(
  'sqlite: a ledger append inside store.tx reaches the database file when the transaction commits (the WAL is synced and checkpointed), other writes stay in the WAL',
  withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const store = openSqliteStore(path);
    const inFile = (text: string): boolean => readFileSync(path).includes(text);
    try {
      await store.tx(async (repos) => repos.policies.put({ type: 'Tpm', text: 'a-normal-write-marker', jws: 'j', signer: null, setAt: 't' }));
      assert.equal(inFile('a-normal-write-marker'), false, 'a NORMAL commit stays in the WAL until a checkpoint');
      const row = { ...ledgerRow(1), body: JSON.stringify({ marker: 'a-ledger-write-marker' }) };
      await store.tx(async (repos) => repos.ledgerTransactions.append([row]));
      assert.equal(inFile('a-ledger-write-marker'), true, 'the ledger commit was synced and checkpointed into the file');
    } finally {
      await store.close();
    }
  }),
);

test(
  'sqlite: migration 8 drops the "loaded" member (a private JWK) that rotations wrote into key meta, and leaves every other member',
  withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    const before = openSqliteStore(path, sqliteMigrations.filter((m) => m.version < 8));
    const meta = { family: 'RSA', hsm: true, publicJwk: { n: 'n', e: 'AQAB' }, keyOps: ['sign'], tags: {}, exportable: false };
    await before.keyVersions.insert({ name: 'k', version: 'v1', meta: JSON.stringify({ ...meta, loaded: { jwk: { d: 'private-d' } } }), sealedMaterial: Uint8Array.of(1) });
    await before.keyVersions.insert({ name: 'k', version: 'v2', meta: JSON.stringify(meta), sealedMaterial: Uint8Array.of(2) });
    await before.close();
    const after = openSqliteStore(path);
    for (const version of ['v1', 'v2']) assert.deepEqual(JSON.parse((await after.keyVersions.get('k', version))!.meta), meta, version);
    await after.close();
    assert.ok(!readFileSync(path).includes('private-d'));
  }),
);

test('SQLite read-only open (ledger export beside a server): reads, never migrates or writes; an older schema is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-store-ro-'));
  try {
    const path = join(dir, 'db.sqlite');
    const writer = openSqliteStore(path);
    await writer.ledgerTransactions.append([ledgerRow(1)]);
    const reader = openSqliteStore(path, undefined, { readOnly: true });
    assert.equal(await reader.ledgerTransactions.head(), 1, 'it sees what the writer committed');
    await assert.rejects(reader.ledgerTransactions.append([ledgerRow(2)]), (e) => (e as { code?: unknown }).code === 'SQLITE_READONLY', 'no write through a read-only open');
    await reader.close();
    await writer.close();

    const old = join(dir, 'old.sqlite');
    const older = openSqliteStore(old, sqliteMigrations.slice(0, -1));
    await older.close();
    assert.throws(
      () => openSqliteStore(old, undefined, { readOnly: true }),
      (e) => isConfideError(e, 'ERR_STORE_UNAVAILABLE') && e.details?.['reason'] === 'schema' && /not migrated/.test(e.message),
    );
    const raw = new Database(old, { readonly: true });
    assert.deepEqual(raw.prepare('SELECT MAX(version) AS v FROM schema_migrations').get(), { v: Math.max(...sqliteMigrations.slice(0, -1).map((m) => m.version)) }, 'the older file was left as it was');
    raw.close();
    assert.throws(() => openSqliteStore(join(dir, 'absent.sqlite'), undefined, { readOnly: true }), (e) => isConfideError(e, 'ERR_STORE_UNAVAILABLE'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
