/**
 * Two coordinators on one database (two replicas, here on one SQLite file) act as one: a
 * manifest set through one is in force on the other at its next request (status, reads,
 * activations), not only after a restart. The PostgreSQL test with three processes
 * (packages/cli/test/replicas-postgres.test.ts) covers the rest; this one runs everywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySealProvider } from '@confide/coordinator';
import { toBase64 } from '@confide/core';
import { openSqliteStore } from '@confide/store';
import { loadSimulationKey } from '../src/sim/index.js';
import { asUser, coordinatorApp, manifestFor, marbleEvidence, MEASUREMENT, recoveryKey, selfSigned, CERT_HEADER } from './marblerun-helpers.js';

type App = Awaited<ReturnType<typeof coordinatorApp>>;

/** Two coordinators (replicas) on one SQLite file, one seal key; `run` gets them, then all close. */
async function twoReplicas(run: (r: { a: App; b: App; simKey: Awaited<ReturnType<typeof loadSimulationKey>> }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'confide-replicas-'));
  const seal = createMemorySealProvider(new Uint8Array(32).fill(5));
  const simKey = await loadSimulationKey(dir, { create: true });
  const [storeA, storeB] = [openSqliteStore(join(dir, 'db.sqlite')), openSqliteStore(join(dir, 'db.sqlite'))];
  const a = await coordinatorApp(storeA, seal, simKey);
  const b = await coordinatorApp(storeB, seal, simKey);
  try {
    await run({ a, b, simKey });
  } finally {
    await a.close();
    await b.close();
    await storeA.close();
    await storeB.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a manifest set through one replica is in force on the other at its next request', async () => {
  await twoReplicas(async ({ a, b, simKey }) => {
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
  });
});

test('an activation refused on the state a replica last knew is judged again on the stored one: a limit raised through the other replica applies', async () => {
  await twoReplicas(async ({ a, b, simKey }) => {
    const users = { alice: await selfSigned('alice'), bob: await selfSigned('bob'), carol: await selfSigned('carol') };
    const manifest = manifestFor(users, { alice: recoveryKey(), bob: recoveryKey(), carol: recoveryKey() }) as { Marbles: { backend: { MaxActivations: number } } };
    const bytes = (m: unknown) => toBase64(Buffer.from(JSON.stringify(m)));
    assert.equal((await a.inject({ method: 'POST', url: '/api/v2/manifest', payload: { manifest: bytes(manifest) } })).statusCode, 200);
    assert.equal((await a.inject({ method: 'POST', url: '/api/v2/secrets', headers: asUser(users.alice), payload: { secrets: { apiToken: { Data: 'token' } } } })).statusCode, 200);
    const activate = async (app: typeof a) => {
      const id = await selfSigned('marble');
      return app.inject({ method: 'POST', url: '/api/v2/marble/activate', headers: { [CERT_HEADER]: toBase64(id.der) }, payload: { marbleType: 'backend', uuid: randomUUID(), tee: 'sim', evidence: await marbleEvidence(simKey, id) } });
    };
    // Through a, up to the manifest's MaxActivations (2): a now knows that state.
    for (let i = 0; i < 2; i++) assert.equal((await activate(a)).statusCode, 200);
    assert.equal((await activate(a)).json().code, 'ERR_MAX_ACTIVATIONS');
    // Through b, a full update to MaxActivations 3 (two acknowledgements): a has not read it yet.
    const next = structuredClone(manifest);
    next.Marbles.backend.MaxActivations = 3;
    assert.equal((await b.inject({ method: 'POST', url: '/api/v2/update', headers: asUser(users.alice), payload: { manifest: bytes(next) } })).statusCode, 200);
    assert.equal((await b.inject({ method: 'POST', url: '/api/v2/update-manifest', headers: asUser(users.bob), payload: { manifest: bytes(next) } })).json().data.missingAcknowledgments, 0);
    const third = await activate(a);
    assert.equal(third.statusCode, 200, third.body);
    assert.equal((await activate(a)).json().code, 'ERR_MAX_ACTIVATIONS', 'and the raised limit holds');
  });
});
