/** The key vault's version cache (SQLite, one writer): what every write changes is in force at the next operation, and a read under way is not kept over a write. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { openSqliteStore } from '@confide/store';
import { KeyVaultService, openVaultRoot } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';
import { VersionCache } from '../src/services/keyvault/version-cache.js';

const value = createHash('sha256').update('signed').digest().toString('base64url');

function entry(name: string, version: string, enabled: boolean) {
  const row = { name, version, meta: '{}', sealedMaterial: new Uint8Array(1), revision: 1 };
  return { row, meta: { name, version, attributes: { enabled } } } as never;
}

test('VersionCache keeps what a read found unless a name was dropped since the read began; a drop forgets only its name', () => {
  const cache = new VersionCache(2);
  const before = cache.generation;
  cache.dropName('other');
  cache.set(entry('a', '1', true), before);
  assert.equal(cache.get('a', '1'), undefined, 'a read that began before a drop is not kept');
  cache.set(entry('a', '1', true), cache.generation);
  cache.set(entry('ab', '1', true), cache.generation);
  cache.dropName('a');
  assert.equal(cache.get('a', '1'), undefined);
  assert.ok(cache.get('ab', '1'), 'a name that starts with the dropped one stays');
  cache.set(entry('c', '1', true), cache.generation);
  cache.set(entry('d', '1', true), cache.generation);
  assert.equal(cache.get('ab', '1'), undefined, 'the oldest goes first at the limit');
  assert.ok(cache.get('c', '1') && cache.get('d', '1'));
});

test('with soleWriter every write to a key is in force at its next operation: key_ops, enabled, exp, delete, recover, purge, restore', async () => {
  const store = openSqliteStore(':memory:');
  const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true });
  let now = Date.now();
  const s = new KeyVaultService({ store, root, soleWriter: true, clock: { now: () => new Date(now) } });
  const meta = await s.create('k', { kty: 'EC', crv: 'P-256' });
  const sign = () => s.operate('k', meta.version, 'sign', { alg: 'ES256', value });
  const forbidden = { code: 'ERR_KEY_OPERATION_FORBIDDEN' };
  await sign();
  await s.update('k', meta.version, { key_ops: ['verify'] });
  await assert.rejects(sign(), forbidden);
  await s.update('k', meta.version, { key_ops: ['sign', 'verify'] });
  await sign();
  await s.update('k', meta.version, { attributes: { enabled: false } });
  await assert.rejects(sign(), forbidden);
  await s.update('k', meta.version, { attributes: { enabled: true, exp: Math.floor(now / 1000) + 60 } });
  await sign();
  now += 120_000;
  await assert.rejects(sign(), forbidden, 'exp is checked against the clock at each operation');
  await s.update('k', meta.version, { attributes: { exp: Math.floor(now / 1000) + 60 } });
  await sign();
  const backup = await s.backup('k');
  await s.delete('k');
  await assert.rejects(sign(), { code: 'ERR_KEY_NOT_FOUND' });
  await s.recover('k');
  await sign();
  await s.delete('k');
  await s.purge('k');
  await assert.rejects(sign(), { code: 'ERR_KEY_NOT_FOUND' });
  await s.restore(Buffer.from(backup).toString('base64url'));
  await sign();
  await s.close();
  await store.close();
});

test('with soleWriter an operation that read its version before a write answers as it began, and the next one sees the write', async () => {
  const store = openSqliteStore(':memory:');
  const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true });
  const s = new KeyVaultService({ store, root, soleWriter: true });
  const meta = await s.create('k', { kty: 'EC', crv: 'P-256' });
  // Both start in the same turn: the operation's read is queued before the update's write.
  const [signed] = await Promise.all([s.operate('k', meta.version, 'sign', { alg: 'ES256', value }), s.update('k', meta.version, { attributes: { enabled: false } })]);
  assert.ok(signed.value);
  await assert.rejects(s.operate('k', meta.version, 'sign', { alg: 'ES256', value }), { code: 'ERR_KEY_OPERATION_FORBIDDEN' });
  await s.close();
  await store.close();
});

test('with soleWriter repeated operations on a version read it once; without, each reads it (a store other replicas write)', async () => {
  for (const soleWriter of [true, false]) {
    const store = openSqliteStore(':memory:');
    const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true });
    const s = new KeyVaultService({ store, root, soleWriter });
    const meta = await s.create('k', { kty: 'EC', crv: 'P-256' });
    const get = store.keyVersions.get;
    let reads = 0;
    store.keyVersions.get = (...args) => (reads++, get(...args));
    for (let i = 0; i < 3; i++) await s.operate('k', meta.version, 'sign', { alg: 'ES256', value });
    assert.equal(reads, soleWriter ? 1 : 3);
    await s.close();
    await store.close();
  }
});
