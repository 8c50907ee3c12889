import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { startServerCoordinator } from '../src/services/coordinator/index.js';
import { coordinatorSealProvider } from '../src/compose/index.js';

test('production: the coordinator seals under a key derived from seal.keyFile, writes no key of its own, and another key means recovery', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-coord-seal-'));
  const dataDir = join(dir, 'data');
  const keyFile = join(dir, 'seal.key');
  const otherKeyFile = join(dir, 'other.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  writeFileSync(otherKeyFile, randomBytes(32).toString('base64'));
  const store = openSqliteStore(join(dir, 'db.sqlite'));
  try {
    const first = await startServerCoordinator({ store, seal: coordinatorSealProvider({ dataDir, keyFile: keyFile }), collateral: emptyCollateral });
    assert.equal((await first.status()).code, 2, 'a new coordinator accepts a manifest');
    assert.equal(existsSync(join(dataDir, 'coordinator', 'seal.key')), false, 'no seal key file of its own in production');
    const again = await startServerCoordinator({ store, seal: coordinatorSealProvider({ dataDir, keyFile: keyFile }), collateral: emptyCollateral });
    assert.equal((await again.status()).code, 2, 'the same key opens the sealed state');
    const other = await startServerCoordinator({ store, seal: coordinatorSealProvider({ dataDir, keyFile: otherKeyFile }), collateral: emptyCollateral });
    assert.equal((await other.status()).code, 1, 'another key cannot unwrap: recovery');
  } finally {
    await store.close();
  }
});
