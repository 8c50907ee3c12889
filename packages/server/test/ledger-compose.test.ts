/**
 * composeLedger's start warnings: a production ledger without an Administrator is warned about
 * (nobody could add users), one with ledger.administrators is not, and dev mode (any caller is an
 * Administrator) is not.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { openSqliteStore } from '@confide/store';
import { loadConfig } from '../src/index.js';
import { composeLedger } from '../src/compose/ledger.js';
import { createSeal } from '../src/seal/index.js';

const base = () => loadConfig({ env: { CONFIDE_MODE: 'dev', CONFIDE_DATA_DIR: mkdtempSync(join(tmpdir(), 'confide-ledger-compose-')), CONFIDE_LEDGER_ENABLED: 'true' } }).config;

it('warns at start when a production ledger has no Administrator', async () => {
  const cases: Array<[ReturnType<typeof base>, number]> = [
    [{ ...base(), mode: 'production' }, 1],
    [{ ...base(), mode: 'production', ledger: { ...base().ledger, administrators: ['0a1b2c3d-0000-4000-8000-000000000001'] } }, 0],
    [base(), 0],
  ];
  for (const [config, warnings] of cases) {
    const store = openSqliteStore(':memory:');
    try {
      const ledger = await composeLedger(config, store, createSeal(randomBytes(32)));
      assert.equal(ledger.warnings.length, warnings, `${config.mode}, administrators ${config.ledger.administrators?.length ?? 0}`);
      ledger.routes.service.close();
    } finally {
      await store.close();
    }
  }
});
