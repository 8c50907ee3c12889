/**
 * Issue 16's coordinator attacks, sent over HTTP as an attacker would (in process, inject; the
 * client certificate through the test seam), and refused:
 *  - setting the first manifest of a coordinator whose operator named who may set it;
 *  - replacing the whole deployment in recovery mode of a production coordinator by setting a
 *    manifest (only the operator's coordinator.startOver discards the sealed state, and the audit
 *    log still verifies across the new epoch);
 *  - a production manifest (set or update) with simulated packages, which any process could satisfy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { verifyAuditLog } from '@confide/audit';
import { createMemorySealProvider, type SealProvider } from '@confide/coordinator';
import { fromBase64, toBase64 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp } from '../src/app.js';
import { startServerCoordinator, type ServerCoordinatorOptions } from '../src/services/coordinator/index.js';
import { asUser, CERT_HEADER, selfSigned, type Identity } from './marblerun-helpers.js';

const operator = await selfSigned('operator');
const mallory = await selfSigned('mallory');
const SEAL_A = new Uint8Array(32).fill(0xa);
const SEAL_B = new Uint8Array(32).fill(0xb);

/** A production manifest: an SGX package (no simulated evidence), the operator as updater. */
function manifest(extraPackages: Record<string, unknown> = {}, marble = 'pkg'): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      Packages: { pkg: { Tee: 'sgx', UniqueID: '11'.repeat(32), Debug: false }, ...extraPackages },
      Marbles: { m: { Package: marble, Parameters: { Argv: ['m'] } } },
      Users: { operator: { Certificate: operator.pem, Roles: ['updater'] } },
      Roles: { updater: { ResourceType: 'Manifest', Actions: ['UpdateManifest'] } },
      Config: { UpdateThreshold: 1 },
    }),
  );
}

async function app(store: Store, seal: SealProvider, options: Partial<ServerCoordinatorOptions> = {}): Promise<FastifyInstance> {
  const coordinator = await startServerCoordinator({ store, seal, collateral: emptyCollateral, mode: 'production', ...options });
  return buildApp({
    store,
    bodyLimit: 1 << 20,
    coordinator: { coordinator, peerCertificate: (r) => (typeof r.headers[CERT_HEADER] === 'string' ? fromBase64(r.headers[CERT_HEADER]) : undefined) },
  });
}

async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, as?: Identity, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await a.inject({ method, url, headers: asUser(as), ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}) });
  return { status: res.statusCode, json: res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.body };
}

const setManifest = (a: FastifyInstance, bytes: Uint8Array, as?: Identity) => call(a, 'POST', '/api/v2/manifest', as, { manifest: toBase64(bytes) });
const state = async (a: FastifyInstance) => (await call(a, 'GET', '/api/v2/status')).json.data.code as number;

function refused(res: { status: number; json: any }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.code, code);
}

test('first manifest: with coordinator.firstManifestKey only the named key sets it (certificate or public key)', async () => {
  // The attack without the setting: whoever comes first owns the deployment.
  const open = await app(openSqliteStore(':memory:'), createMemorySealProvider(SEAL_A));
  assert.equal((await setManifest(open, manifest(), mallory)).status, 200);

  for (const named of [operator.pem, createPublicKey(operator.pem).export({ type: 'spki', format: 'pem' }) as string]) {
    const guarded = await app(openSqliteStore(':memory:'), createMemorySealProvider(SEAL_A), { firstManifestKey: named });
    refused(await setManifest(guarded, manifest(), mallory), 401, 'ERR_UNAUTHENTICATED');
    refused(await setManifest(guarded, manifest()), 401, 'ERR_UNAUTHENTICATED');
    assert.equal(await state(guarded), 2);
    const ok = await setManifest(guarded, manifest(), operator);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(await state(guarded), 3);
  }
});

test('first manifest: a firstManifestKey that is no PEM certificate or key refuses the start (ERR_CONFIG_INVALID)', async () => {
  await assert.rejects(app(openSqliteStore(':memory:'), createMemorySealProvider(SEAL_A), { firstManifestKey: 'not a key' }), (err: any) => err.code === 'ERR_CONFIG_INVALID');
});

test('production recovery: a manifest set by anyone is refused; only coordinator.startOver discards the state, and the audit log verifies across the epoch', async () => {
  const store = openSqliteStore(':memory:');
  const first = await app(store, createMemorySealProvider(SEAL_A));
  assert.equal((await setManifest(first, manifest(), operator)).status, 200);
  const oldKey = (await call(first, 'GET', '/api/v2/audit-log/public-key')).json.data.publicKeyJwk;

  // Another seal key: recovery. The attacker tries to replace the deployment.
  const recovering = await app(store, createMemorySealProvider(SEAL_B));
  assert.equal(await state(recovering), 1);
  const attack = await setManifest(recovering, manifest(), mallory);
  refused(attack, 409, 'ERR_COORDINATOR_STATE');
  assert.equal(attack.json.details.state, 1);
  assert.equal(await state(recovering), 1);

  // The operator decides: restart with startOver (and names who sets the next manifest).
  const restarted = await app(store, createMemorySealProvider(SEAL_B), { startOver: true, firstManifestKey: operator.pem });
  assert.equal(await state(restarted), 2);
  refused(await setManifest(restarted, manifest(), mallory), 401, 'ERR_UNAUTHENTICATED');
  assert.equal((await setManifest(restarted, manifest(), operator)).status, 200);

  const log = (await call(restarted, 'GET', '/api/v2/audit-log')).json as string;
  const key = (await call(restarted, 'GET', '/api/v2/audit-log/public-key')).json.data;
  const verified = await verifyAuditLog(log, key.publicKeyJwk);
  assert.equal(verified.headSeq, key.headSeq);
  assert.deepEqual(verified.epochs.map((e) => e.seq), [2]);
  const types = log.trim().split('\n').map((l) => JSON.parse(l).type);
  assert.deepEqual(types, ['manifest.set', 'audit.epoch', 'manifest.set']);
  const epoch = JSON.parse(log.trim().split('\n')[1]!);
  assert.deepEqual({ x: epoch.details.previousPublicKeyJwk.x, by: epoch.details.startedBy, reason: epoch.details.recoveryReason }, { x: oldKey.x, by: 'operator', reason: 'seal-key-mismatch' });
  // A key pinned before the start-over learns that the coordinator started over.
  await assert.rejects(verifyAuditLog(log, oldKey), (err: any) => err.code === 'ERR_AUDIT_LOG_INVALID' && err.details.reason === 'key' && err.details.seq === 2);
});

test('production: startOver leaves a state that opens untouched', async () => {
  const store = openSqliteStore(':memory:');
  assert.equal((await setManifest(await app(store, createMemorySealProvider(SEAL_A)), manifest(), operator)).status, 200);
  const again = await app(store, createMemorySealProvider(SEAL_A), { startOver: true });
  assert.equal(await state(again), 3);
  assert.ok(!((await call(again, 'GET', '/api/v2/audit-log')).json as string).includes('audit.epoch'));
});

test('dev recovery keeps MarbleRun\'s "or set a new manifest", and the audit log verifies across that epoch too', async () => {
  const store = openSqliteStore(':memory:');
  assert.equal((await setManifest(await app(store, createMemorySealProvider(SEAL_A), { mode: 'dev' }), manifest(), operator)).status, 200);
  const dev = await app(store, createMemorySealProvider(SEAL_B), { mode: 'dev' });
  assert.equal(await state(dev), 1);
  assert.equal((await setManifest(dev, manifest(), operator)).status, 200);
  const log = (await call(dev, 'GET', '/api/v2/audit-log')).json as string;
  const key = (await call(dev, 'GET', '/api/v2/audit-log/public-key')).json.data.publicKeyJwk;
  const verified = await verifyAuditLog(log, key);
  assert.deepEqual(verified.epochs.map((e) => e.seq), [2]);
  assert.equal(JSON.parse(log.trim().split('\n')[1]!).details.startedBy, 'manifest');
});

test('production refuses simulated packages at manifest set and at a full update (ERR_PRODUCTION_REFUSED)', async () => {
  const a = await app(openSqliteStore(':memory:'), createMemorySealProvider(SEAL_A));
  const sim = manifest({ fake: { Tee: 'sim', UniqueID: '22'.repeat(32) } }, 'fake');
  const set = await setManifest(a, sim, operator);
  refused(set, 400, 'ERR_PRODUCTION_REFUSED');
  assert.deepEqual(set.json.details.packages, ['fake']);
  assert.equal(await state(a), 2);
  assert.equal((await setManifest(a, manifest(), operator)).status, 200);
  const update = await call(a, 'POST', '/api/v2/update', operator, { manifest: toBase64(sim) });
  refused(update, 400, 'ERR_PRODUCTION_REFUSED');
  assert.deepEqual(update.json.details.packages, ['fake']);
  refused(await call(a, 'GET', '/api/v2/update-manifest', operator), 404, 'ERR_NOT_FOUND');
  // Dev mode takes the same manifest.
  const dev = await app(openSqliteStore(':memory:'), createMemorySealProvider(SEAL_A), { mode: 'dev' });
  assert.equal((await setManifest(dev, sim, operator)).status, 200);
});
