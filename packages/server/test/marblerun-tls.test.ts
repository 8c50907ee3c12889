/**
 * The real TLS path: a listener with requestCert and no CA check, so the client certificate of
 * the connection reaches the coordinator routes (users by certificate, marbles by key binding).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createMemorySealProvider } from '@confide/coordinator';
import { toBase64 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { buildApp } from '../src/app.js';
import { startServerCoordinator } from '../src/services/coordinator/index.js';
import { loadSimulationKey } from '../src/sim/index.js';
import { ensureLocalCa } from '../src/tls/local-ca.js';
import { manifestFor, marbleEvidence, recoveryKey, selfSigned, type Identity } from './marblerun-helpers.js';

function post(port: number, ca: string, path: string, body: unknown, id?: Identity, method = 'POST'): Promise<{ status: number; json: any }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1', port, path, method, ca, servername: 'localhost',
        ...(id ? { cert: id.pem, key: id.keyPem } : {}),
        headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

test('over mutual TLS: users by their certificate, marbles by the key their evidence binds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-mr-tls-'));
  const tls = await ensureLocalCa(join(dir, 'tls'), 'localhost');
  const ca = readFileSync(tls.caCertPath, 'utf8');
  const store = openSqliteStore(':memory:');
  const simKey = await loadSimulationKey(dir, { create: true });
  const coordinator = await startServerCoordinator({ store, collateral: emptyCollateral, simulationKey: simKey, seal: createMemorySealProvider() });
  const app = await buildApp({
    store,
    bodyLimit: 1 << 20,
    https: { cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath), requestCert: true, rejectUnauthorized: false },
    coordinator: { coordinator },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  try {
    const users = { alice: await selfSigned('alice'), bob: await selfSigned('bob'), carol: await selfSigned('carol') };
    const manifest = manifestFor(users, { alice: recoveryKey(), bob: recoveryKey(), carol: recoveryKey() });
    assert.equal((await post(port, ca, '/api/v2/manifest', { manifest: toBase64(Buffer.from(JSON.stringify(manifest))) })).status, 200);

    const noCert = await post(port, ca, '/api/v2/secrets', { secrets: { apiToken: { Data: 'tls' } } });
    assert.equal(noCert.status, 401);
    assert.equal(noCert.json.code, 'ERR_UNAUTHENTICATED');
    assert.equal((await post(port, ca, '/api/v2/secrets', { secrets: { apiToken: { Data: 'tls' } } }, users.bob)).json.code, 'ERR_FORBIDDEN');
    assert.equal((await post(port, ca, '/api/v2/secrets', { secrets: { apiToken: { Data: 'tls' } } }, users.alice)).status, 200);

    const marble = await selfSigned('marble');
    const uuid = randomUUID();
    const ok = await post(port, ca, '/api/v2/marble/activate', { marbleType: 'backend', uuid, tee: 'sim', evidence: await marbleEvidence(simKey, marble) }, marble);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    // The same evidence presented over a connection with another key does not bind.
    const other = await selfSigned('other');
    const stolen = await post(port, ca, '/api/v2/marble/activate', { marbleType: 'backend', uuid: randomUUID(), tee: 'sim', evidence: await marbleEvidence(simKey, marble) }, other);
    assert.equal(stolen.json.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
  } finally {
    await app.close();
    await store.close();
  }
});
