/**
 * `confide serve` in dev mode serves MarbleRun's marble API on its own port beside HTTPS: a
 * premain (marble-grpc-helpers.ts) activates a simulated marble through it with evidence signed
 * by the instance's simulation key over SHA-256 of its whole TLS certificate, verified for real;
 * `off` serves none, and a malformed address is refused at start.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError, toBase64 } from '@confide/core';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/serve.js';
import { loadSimulationKey, simulateQuote } from '../src/sim/index.js';
import { activate, premainIdentity } from './marble-grpc-helpers.js';

const MEASUREMENT = new Uint8Array(32).fill(0x5a);
const dir = mkdtempSync(join(tmpdir(), 'confide-mesh-'));
const env = (extra: Record<string, string> = {}) => ({ CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: dir, CONFIDE_LOG_LEVEL: 'silent', ...extra });
after(() => rmSync(dir, { recursive: true, force: true }));

test('serve: a simulated premain activates over gRPC with evidence bound to its whole certificate', async () => {
  const server = await startServer(loadConfig({ env: env() }).config);
  try {
    assert.match(server.marbleApi ?? '', /^127\.0\.0\.1:\d+$/);
    const manifest = { Packages: { pkg: { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex'), Debug: false } }, Marbles: { web: { Package: 'pkg', Parameters: { Argv: ['web'] } } } };
    const set = await server.app.inject({ method: 'POST', url: '/api/v2/manifest', payload: { manifest: toBase64(new TextEncoder().encode(JSON.stringify(manifest))) } });
    assert.equal(set.statusCode, 200, set.body);
    const key = await loadSimulationKey(dir);
    const id = await premainIdentity();
    const reportData = new Uint8Array(64);
    reportData.set(createHash('sha256').update(id.certDer).digest());
    const quote = await simulateQuote(key, { measurement: MEASUREMENT, reportData });
    const answer = await activate(server.marbleApi!, id, { Quote: quote, CSR: id.csrDer, MarbleType: 'web', UUID: randomUUID() });
    assert.deepEqual(answer.Parameters.Argv, ['web']);
    assert.match(answer.Parameters.Env['MARBLE_PREDEFINED_PRIVATE_KEY']!.toString('utf8'), /^-----BEGIN PRIVATE KEY-----/);
  } finally {
    await server.close();
  }
});

test('serve: coordinator.meshAddr off serves no marble API; a malformed one is ERR_CONFIG_INVALID', async () => {
  const off = await startServer(loadConfig({ env: env({ EDG_COORDINATOR_MESH_ADDR: 'off' }) }).config);
  assert.equal(off.marbleApi, undefined);
  await off.close();
  await assert.rejects(startServer(loadConfig({ env: env({ EDG_COORDINATOR_MESH_ADDR: 'localhost' }) }).config), (err: unknown) => isConfideError(err, 'ERR_CONFIG_INVALID'));
});
