import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createVaultRoot } from '../src/index.js';

test('an uninitialized vault refuses to hand out a root key', () => {
  const root = createVaultRoot();
  assert.equal(root.state(), 'uninitialized');
  assert.throws(() => root.rootKey(), { code: 'ERR_KEYVAULT_NOT_ACTIVATED' });
  assert.throws(() => root.exportRoot(), { code: 'ERR_KEYVAULT_NOT_ACTIVATED' });
});

test('activation persists first, then turns the vault active; a second activation is refused', async () => {
  const persisted: Uint8Array[] = [];
  const root = createVaultRoot({ persist: async (k) => void persisted.push(k) });
  const key = new Uint8Array(randomBytes(32));
  await root.activate(key);
  assert.equal(root.state(), 'active');
  assert.deepEqual(root.rootKey(), key);
  assert.deepEqual(persisted, [key]);
  const exported = root.exportRoot();
  exported[0] = exported[0]! ^ 1;
  assert.deepEqual(root.rootKey(), key, 'exportRoot returns a copy');
  await assert.rejects(root.activate(new Uint8Array(32)), { code: 'ERR_KEYVAULT_ALREADY_ACTIVATED' });
});

test('a failed persist leaves the vault uninitialized; concurrent activations persist once', async () => {
  const failing = createVaultRoot({ persist: async () => { throw new Error('disk full'); } });
  await assert.rejects(failing.activate(new Uint8Array(32)), /disk full/);
  assert.equal(failing.state(), 'uninitialized');

  let writes = 0;
  const root = createVaultRoot({ persist: async () => { writes++; await new Promise((r) => setTimeout(r, 5)); } });
  const results = await Promise.allSettled([root.activate(new Uint8Array(32)), root.activate(new Uint8Array(32).fill(1))]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
  assert.equal(writes, 1);
});

test('a root key of the wrong length is refused', async () => {
  assert.throws(() => createVaultRoot({ initial: new Uint8Array(16) }), { code: 'ERR_KEY_BAD_PARAMETER' });
  await assert.rejects(createVaultRoot().activate(new Uint8Array(31)), { code: 'ERR_KEY_BAD_PARAMETER' });
});

test('a vault started with a persisted root is active', () => {
  const key = new Uint8Array(32).fill(7);
  const root = createVaultRoot({ initial: key });
  assert.equal(root.state(), 'active');
  assert.deepEqual(root.rootKey(), key);
});
