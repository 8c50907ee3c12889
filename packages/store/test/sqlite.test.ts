import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError } from '@confide/core';
import { openSqliteStore } from '../src/index.js';
import { storeContract } from './contract.js';

storeContract('sqlite', async () => openSqliteStore(':memory:'));

test('sqlite: data survives reopening a file database, migrations run once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-store-'));
  try {
    const path = join(dir, 'db.sqlite');
    const first = openSqliteStore(path);
    await first.settings.put('kept', { v: 1 });
    await first.close();
    const second = openSqliteStore(path);
    assert.deepEqual(await second.settings.get('kept'), { v: 1 });
    assert.equal(await second.schemaVersion(), 1);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

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
