/**
 * Two coordinators on one database (two replicas, here on one SQLite file) act as one: a
 * manifest set through one is in force on the other at its next request (status, reads,
 * activations), not only after a restart. The PostgreSQL test with three processes
 * (packages/cli/test/replicas-postgres.test.ts) covers the rest; this one runs everywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySealProvider } from '@confide/coordinator';
import { toBase64 } from '@confide/core';
import { openSqliteStore } from '@confide/store';
import { loadSimulationKey } from '../src/sim/index.js';
import { coordinatorApp, marbleEvidence, MEASUREMENT, selfSigned, CERT_HEADER } from './marblerun-helpers.js';

test('a manifest set through one replica is in force on the other at its next request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-replicas-'));
  const seal = createMemorySealProvider(new Uint8Array(32).fill(5));
  const simKey = await loadSimulationKey(dir, { create: true });
  const [storeA, storeB] = [openSqliteStore(join(dir, 'db.sqlite')), openSqliteStore(join(dir, 'db.sqlite'))];
  const a = await coordinatorApp(storeA, seal, simKey);
  const b = await coordinatorApp(storeB, seal, simKey);
  try {
    const status = async (app: typeof a) => (await app.inject({ method: 'GET', url: '/api/v2/status' })).json().data.code;
    assert.equal(await status(b), 2, 'both start accepting a manifest');
    const manifest = { Packages: { backend: { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex') } }, Marbles: { backend: { Package: 'backend', MaxActivations: 1 } } };
    const set = await a.inject({ method: 'POST', url: '/api/v2/manifest', payload: { manifest: toBase64(Buffer.from(JSON.stringify(manifest))) } });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(await status(b), 3, 'b reports the manifest a set');
    assert.equal((await b.inject({ method: 'GET', url: '/api/v2/manifest' })).statusCode, 200);
    const marble = await selfSigned('marble');
    const activate = (app: typeof a, uuid: string, id = marble) =>
      marbleEvidence(simKey, id).then((evidence) =>
        app.inject({ method: 'POST', url: '/api/v2/marble/activate', headers: { [CERT_HEADER]: toBase64(id.der) }, payload: { marbleType: 'backend', uuid, tee: 'sim', evidence } }),
      );
    const first = await activate(b, '6a1b2c3d-0000-4000-8000-000000000001');
    assert.equal(first.statusCode, 200, first.body);
    const second = await activate(a, '6a1b2c3d-0000-4000-8000-000000000002', await selfSigned('marble 2'));
    assert.equal(second.json().code, 'ERR_MAX_ACTIVATIONS', 'the activation b recorded counts on a');
  } finally {
    await a.close();
    await b.close();
    await storeA.close();
    await storeB.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
