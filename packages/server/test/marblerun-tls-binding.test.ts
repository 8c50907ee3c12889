/**
 * GET /api/v2/quote carries the root's signature over the listener's TLS key (tlsBinding):
 * it verifies under the root the quote serves, covers the nonce, and is absent in recovery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySealProvider, type SealProvider } from '@confide/coordinator';
import { fromBase64 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp } from '../src/app.js';
import { startServerCoordinator } from '../src/services/coordinator/index.js';
import { tlsSpkiSha256 } from '../src/compose/index.js';
import { loadSimulationKey } from '../src/sim/index.js';
import { selfSigned } from './marblerun-helpers.js';

const tlsLeaf = await selfSigned('localhost');
const expectedSpki = createHash('sha256').update(tlsLeaf.spki).digest('hex');
const simKey = await loadSimulationKey(mkdtempSync(join(tmpdir(), 'confide-tlsb-')), { create: true });
const store = openSqliteStore(':memory:');

async function appWith(s: Store, seal: SealProvider, tlsCertificate?: string) {
  const coordinator = await startServerCoordinator({ store: s, collateral: emptyCollateral, simulationKey: simKey, seal, tlsSpkiSha256: tlsCertificate === undefined ? undefined : tlsSpkiSha256(tlsCertificate) });
  return buildApp({ store: s, bodyLimit: 1 << 20, coordinator: { coordinator, peerCertificate: () => undefined } });
}

const app = await appWith(store, createMemorySealProvider(new Uint8Array(32).fill(3)), tlsLeaf.pem);

type QuoteData = { cert: string; quote: string; tlsBinding?: { spkiSha256: string; signature: string } };

async function quote(a: typeof app, nonce?: Buffer): Promise<QuoteData> {
  const res = await a.inject({ method: 'GET', url: `/api/v2/quote${nonce ? `?nonce=${nonce.toString('base64')}` : ''}` });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { data: QuoteData }).data;
}

function rootOf(chain: string): X509Certificate {
  const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)!;
  return new X509Certificate(blocks[blocks.length - 1]!);
}

function bindingHolds(root: X509Certificate, spki: string, nonceHex: string, signature: string): boolean {
  const message = Buffer.from(`confide-coordinator-tls-binding/v1\n${spki}\n${nonceHex}`);
  return verify('sha384', message, { key: root.publicKey, dsaEncoding: 'der' }, fromBase64(signature));
}

test('tlsSpkiSha256 hashes the leaf SubjectPublicKeyInfo, PEM or DER alike', () => {
  assert.equal(tlsSpkiSha256(tlsLeaf.pem), expectedSpki);
  assert.equal(tlsSpkiSha256(tlsLeaf.der), expectedSpki);
});

test('the quote signs the TLS key with the root, over the nonce', async () => {
  const nonce = Buffer.alloc(32, 0xa5);
  const q = await quote(app, nonce);
  assert.ok(q.tlsBinding, 'tlsBinding present');
  assert.equal(q.tlsBinding.spkiSha256, expectedSpki);
  const root = rootOf(q.cert);
  assert.equal(bindingHolds(root, expectedSpki, nonce.toString('hex'), q.tlsBinding.signature), true);
  // Another nonce, another key or no nonce: the same signature does not hold.
  assert.equal(bindingHolds(root, expectedSpki, Buffer.alloc(32, 0xa6).toString('hex'), q.tlsBinding.signature), false);
  assert.equal(bindingHolds(root, 'ab'.repeat(32), nonce.toString('hex'), q.tlsBinding.signature), false);
  assert.equal(bindingHolds(root, expectedSpki, '', q.tlsBinding.signature), false);
  // The existing MarbleRun fields are unchanged.
  assert.equal(typeof q.quote, 'string');
  assert.ok(fromBase64(q.quote).length > 0);
});

test('without a nonce the binding signs an empty nonce; a second nonce gives a different signature', async () => {
  const plain = await quote(app);
  const root = rootOf(plain.cert);
  assert.equal(bindingHolds(root, expectedSpki, '', plain.tlsBinding!.signature), true);
  const n2 = Buffer.alloc(16, 1);
  const other = await quote(app, n2);
  assert.equal(bindingHolds(root, expectedSpki, n2.toString('hex'), other.tlsBinding!.signature), true);
  assert.equal(bindingHolds(root, expectedSpki, n2.toString('hex'), plain.tlsBinding!.signature), false);
});

test('no TLS certificate given: no tlsBinding', async () => {
  const a = await appWith(openSqliteStore(':memory:'), createMemorySealProvider(new Uint8Array(32).fill(4)));
  assert.equal((await quote(a, Buffer.alloc(8))).tlsBinding, undefined);
  await a.close();
});

test('in recovery (root key sealed) the quote has no tlsBinding', async () => {
  const manifestless = await appWith(store, createMemorySealProvider(new Uint8Array(32).fill(3)), tlsLeaf.pem);
  assert.ok((await quote(manifestless, Buffer.alloc(8))).tlsBinding, 'the right seal key: bound');
  await manifestless.close();
  const recovering = await appWith(store, createMemorySealProvider(new Uint8Array(32).fill(9)), tlsLeaf.pem);
  const status = (await recovering.inject({ method: 'GET', url: '/api/v2/status' })).json() as { data: { code: number } };
  assert.equal(status.data.code, 1);
  const q = await quote(recovering, Buffer.alloc(8));
  assert.equal(q.tlsBinding, undefined);
  assert.ok(q.cert.includes('BEGIN CERTIFICATE'));
  await recovering.close();
});
