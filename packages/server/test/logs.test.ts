/**
 * Server logs (issue 14): a refusal logs its reason; each coordinator state change is one info
 * line; probes are not logged at info.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createMemorySealProvider } from '@confide/coordinator';
import { toBase64 } from '@confide/core';
import { openSqliteStore } from '@confide/store';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggerOptions } from '../src/logger.js';
import { loadSimulationKey } from '../src/sim/index.js';
import { asUser, coordinatorApp, marbleEvidence, MEASUREMENT, selfSigned } from './marblerun-helpers.js';

const lines: Record<string, unknown>[] = [];
const stream = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
const simKey = await loadSimulationKey(mkdtempSync(join(tmpdir(), 'confide-logs-')), { create: true });
const store = openSqliteStore(':memory:');
const app = await coordinatorApp(store, createMemorySealProvider(), simKey, { ...(loggerOptions('info') as object), stream });

const manifest = {
  Packages: { pkg: { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex'), Debug: false } },
  Marbles: { backend: { Package: 'pkg' } },
};
const infoLines = (): Record<string, unknown>[] => lines.filter((l) => l['level'] === 30);

test('probes are not logged at info; a refusal logs its code and reason', async () => {
  lines.length = 0;
  await app.inject({ method: 'GET', url: '/healthz' });
  await app.inject({ method: 'GET', url: '/readyz' });
  assert.deepEqual(infoLines(), []);
  const res = await app.inject({ method: 'POST', url: '/api/v2/manifest', payload: { manifest: 'not base64 !' } });
  assert.equal(res.statusCode, 400);
  const refused = infoLines().find((l) => l['msg'] === 'request refused');
  assert.equal(refused?.['code'], 'ERR_VALIDATION');
  assert.match(String(refused?.['reason']), /manifest is not base64/);
});

test('manifest set and each activation: one info line each, naming the event', async () => {
  lines.length = 0;
  const set = await app.inject({ method: 'POST', url: '/api/v2/manifest', payload: { manifest: toBase64(Buffer.from(JSON.stringify(manifest))) } });
  assert.equal(set.statusCode, 200, set.body);
  for (const uuid of ['6f1d1f8e-4e0a-4c3b-9a55-2a61e1f7b001', '6f1d1f8e-4e0a-4c3b-9a55-2a61e1f7b002']) {
    const identity = await selfSigned(uuid);
    const evidence = await marbleEvidence(simKey, identity);
    const res = await app.inject({ method: 'POST', url: '/api/v2/marble/activate', headers: asUser(identity), payload: { marbleType: 'backend', uuid, tee: 'sim', evidence } });
    assert.equal(res.statusCode, 200, res.body);
  }
  const events = infoLines().map((l) => l['event']).filter(Boolean);
  assert.deepEqual(events, ['manifest.set', 'marble.activate', 'marble.activate']);
  assert.equal(infoLines().find((l) => l['event'] === 'marble.activate')?.['uuid'], '6f1d1f8e-4e0a-4c3b-9a55-2a61e1f7b001');
  await app.close();
  await store.close();
});
