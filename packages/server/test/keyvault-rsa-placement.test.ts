/**
 * Where RSA signatures' private operations run: on the threads only while other key vault
 * requests are open, on the event loop for a request that is alone; and the routes count a
 * request as open from its arrival until its response closes, whatever the outcome.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { openSqliteStore } from '@confide/store';
import type { RsaPrivateOperation } from '@confide/keyvault';
import { buildApp, createKeyVaultAuth, KeyVaultService, openVaultRoot } from '../src/index.js';
import { RsaPlacement } from '../src/services/keyvault/rsa-placement.js';
import { createSeal } from '../src/seal/index.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update('m').digest()]);

/** A stand-in for the thread pool that records what it was given and signs nothing. */
function recordingThreads(): { threads: { run: RsaPrivateOperation }; calls: number } {
  const seen = { calls: 0, threads: { run: async () => { seen.calls++; return new Uint8Array(256); } } };
  return seen;
}

test('alone on the event loop, with company on the threads, alone again once the others closed', async () => {
  const t = recordingThreads();
  const placement = new RsaPlacement(t.threads);
  const input = { padding: 'pkcs1' as const, data: digestInfo };

  const first = placement.opened();
  const lone = await placement.run(privateKey, input);
  assert.equal(t.calls, 0);
  assert.ok(verify('sha256', Buffer.from('m'), publicKey, lone), 'the lone request was signed here, for real');

  const second = placement.opened();
  await placement.run(privateKey, input);
  assert.equal(t.calls, 1);
  assert.equal(placement.open, 2);

  second();
  second(); // closing twice counts once
  assert.equal(placement.open, 1);

  // A request read later in the same turn of the event loop, after the call: it is company too.
  const pending = placement.run(privateKey, input);
  const third = placement.opened();
  await pending;
  assert.equal(t.calls, 2);
  third();
  assert.equal(placement.open, 1);
  await placement.run(privateKey, input);
  assert.equal(t.calls, 2);
  first();
  assert.equal(placement.open, 0);
});

test('without threads every operation runs on the event loop, whatever is open', async () => {
  const placement = new RsaPlacement(undefined);
  placement.opened();
  placement.opened();
  const sig = await placement.run(privateKey, { padding: 'pkcs1', data: digestInfo });
  assert.ok(verify('sha256', Buffer.from('m'), publicKey, sig));
});

test('the key vault routes count a request open until its response closes: answered, refused or failed', async () => {
  const store = openSqliteStore(':memory:');
  const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true });
  const service = new KeyVaultService({ store, root, rsaThreads: 1 });
  const app = await buildApp({
    store,
    bodyLimit: 1 << 20,
    keyvault: { service, auth: createKeyVaultAuth({ mode: 'dev', authorization: 'https://login.example/t', resource: 'https://vault.example' }) },
  });
  const headers = { authorization: 'Bearer x', host: 'vault.example:8443' };
  try {
    const created = await app.inject({ method: 'POST', url: '/keys/k/create', headers, payload: { kty: 'RSA', key_size: 2048 } });
    assert.equal(created.statusCode, 200);
    const version = created.json().key.kid.split('/').pop();
    const value = createHash('sha256').update('m').digest('base64url');
    const sign = () => app.inject({ method: 'POST', url: `/keys/k/${version}/sign`, headers, payload: { alg: 'RS256', value } });
    // Eight at once: the ones with company go to the thread; every signature is right either way.
    let mostOpen = 0;
    const opened = service.requestOpened.bind(service);
    service.requestOpened = () => {
      const close = opened();
      mostOpen = Math.max(mostOpen, service.openRequests);
      return close;
    };
    const answers = await Promise.all(Array.from({ length: 8 }, sign));
    assert.ok(mostOpen >= 2, `the routes counted the requests in flight together (at most ${mostOpen} open at once)`);
    for (const a of answers) {
      assert.equal(a.statusCode, 200);
      assert.ok(verify('sha256', Buffer.from('m'), jwkKey(created.json().key), Buffer.from(a.json().value, 'base64url')));
    }
    const refused = await app.inject({ method: 'POST', url: `/keys/k/${version}/sign`, headers: { host: headers.host }, payload: { alg: 'RS256', value } });
    assert.equal(refused.statusCode, 401);
    const bad = await app.inject({ method: 'POST', url: `/keys/k/${version}/sign`, headers, payload: { alg: 'RS256', value: 'not base64url!' } });
    assert.equal(bad.statusCode, 400);
    const missing = await app.inject({ method: 'POST', url: '/keys/nope/0123/sign', headers, payload: { alg: 'RS256', value } });
    assert.equal(missing.statusCode, 404);
    assert.equal(service.openRequests, 0);
  } finally {
    await app.close();
    await store.close();
  }
});

function jwkKey(jwk: { kty: string; n: string; e: string }) {
  return { key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' as const };
}
