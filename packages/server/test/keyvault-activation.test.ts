/** A vault without a root key refuses key operations with a stable code until it is activated. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openSqliteStore } from '@confide/store';
import { buildApp, createKeyVaultAuth, KeyVaultService, openVaultRoot } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';

test('uninitialized: every key route answers 409 ERR_KEYVAULT_NOT_ACTIVATED; after activation the same request succeeds', async () => {
  const store = openSqliteStore(':memory:');
  const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: false });
  const app = await buildApp({
    store,
    bodyLimit: 1 << 20,
    keyvault: { service: new KeyVaultService({ store, root }), auth: createKeyVaultAuth({ mode: 'dev', authorization: 'https://login.example/t', resource: 'https://vault.example' }) },
  });
  const headers = { authorization: 'Bearer x', host: 'vault.example:8443' };
  try {
    for (const [method, url, payload] of [['POST', '/keys/k/create', { kty: 'EC' }], ['GET', '/keys'], ['GET', '/deletedkeys'], ['POST', '/rng', { count: 4 }], ['POST', '/keys/restore', { value: 'AAAA' }]] as const) {
      const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      assert.equal(res.statusCode, 409, `${method} ${url}`);
      assert.equal(res.json().error.innererror.code, 'ERR_KEYVAULT_NOT_ACTIVATED');
    }
    await root.activate(new Uint8Array(randomBytes(32)));
    const created = await app.inject({ method: 'POST', url: '/keys/k/create', headers, payload: { kty: 'EC' } });
    assert.equal(created.statusCode, 200);
    assert.match(created.json().key.kid, /^https:\/\/vault\.example:8443\/keys\/k\/[0-9a-f]{32}$/);
    const badHost = await app.inject({ method: 'GET', url: '/keys/k/', headers: { ...headers, host: 'evil/"x' } });
    assert.equal(badHost.statusCode, 400);
  } finally {
    await app.close();
    await store.close();
  }
});
