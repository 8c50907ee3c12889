/** The vault root at rest: sealed once in the store, reopened at start, never replaced silently. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openSqliteStore } from '@confide/store';
import { createSeal } from '../src/seal/index.js';
import { sealKeyMaterial } from '@confide/keyvault';
import { openVaultRoot } from '../src/services/keyvault/vault-root-store.js';

test('dev mode generates a root at first start, seals it, and reopens the same root later', async () => {
  const store = openSqliteStore(':memory:');
  const seal = createSeal(new Uint8Array(randomBytes(32)));
  const first = await openVaultRoot({ store, seal, generateIfAbsent: true });
  assert.equal(first.generated, true);
  assert.equal(first.root.state(), 'active');
  const root = first.root.rootKey();
  const row = await store.vaultRoot.get();
  assert.ok(row && !Buffer.from(row.sealedRoot).includes(Buffer.from(root)), 'the root is not stored in clear');
  const second = await openVaultRoot({ store, seal, generateIfAbsent: true });
  assert.equal(second.generated, false);
  assert.deepEqual(second.root.rootKey(), root);
  await store.close();
});

test('production stays uninitialized until activated; activation persists; a second activation is refused', async () => {
  const store = openSqliteStore(':memory:');
  const seal = createSeal(new Uint8Array(randomBytes(32)));
  const opened = await openVaultRoot({ store, seal, generateIfAbsent: false });
  assert.equal(opened.root.state(), 'uninitialized');
  assert.throws(() => opened.root.rootKey(), { code: 'ERR_KEYVAULT_NOT_ACTIVATED' });
  const key = new Uint8Array(randomBytes(32));
  await opened.root.activate(key);
  assert.deepEqual((await openVaultRoot({ store, seal, generateIfAbsent: false })).root.rootKey(), key);
  // Another start that raced to an uninitialized state cannot overwrite the stored root.
  const stale = await openVaultRoot({ store: openSqliteStore(':memory:'), seal, generateIfAbsent: false });
  assert.equal(stale.root.state(), 'uninitialized');
  const racing = await openVaultRoot({ store, seal, generateIfAbsent: false });
  await assert.rejects(racing.root.activate(new Uint8Array(32)), { code: 'ERR_KEYVAULT_ALREADY_ACTIVATED' });
  await store.close();
});

test('a root that does not unseal leaves the vault uninitialized and degraded, and is replaced only by the root that opens its keys', async () => {
  const store = openSqliteStore(':memory:');
  const first = await openVaultRoot({ store, seal: createSeal(new Uint8Array(randomBytes(32))), generateIfAbsent: true });
  const rootKey = first.root.rootKey();
  await store.keyVersions.insert({ name: 'k', version: 'a'.repeat(32), meta: '{}', sealedMaterial: sealKeyMaterial(rootKey, 'k', 'a'.repeat(32), { kty: 'oct', k: 'AAAA' }) });
  const newSeal = createSeal(new Uint8Array(randomBytes(32)));
  const other = await openVaultRoot({ store, seal: newSeal, generateIfAbsent: true });
  assert.equal(other.root.state(), 'uninitialized');
  assert.match(other.degraded ?? '', /cannot be unsealed/);
  await assert.rejects(other.root.activate(new Uint8Array(randomBytes(32))), { code: 'ERR_SECURITY_DOMAIN_ROOT_MISMATCH' });
  assert.equal(other.root.state(), 'uninitialized');
  // The security domain's root (the same key) is sealed anew with this seal key.
  await other.root.activate(rootKey);
  assert.deepEqual((await openVaultRoot({ store, seal: newSeal, generateIfAbsent: false })).root.rootKey(), rootKey);
  await store.close();
});
