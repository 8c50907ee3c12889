/** The key vault service without HTTP: what the release route builds on, and stored rows that were tampered with. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { openSqliteStore } from '@confide/store';
import { KeyVaultService, openVaultRoot } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';
import { keyPairSync } from '@confide/test-kit/keys';

async function service() {
  const store = openSqliteStore(':memory:');
  const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true });
  return { store, service: new KeyVaultService({ store, root }) };
}

test('loadVersion gives the private JWK with the public description (latest and by version)', async () => {
  const { store, service: s } = await service();
  const jwk = keyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const policy = { data: Buffer.from('{"version":"1.0.0","anyOf":[{"authority":"https://maa.test","allOf":[{"claim":"x-ms-attestation-type","equals":"sevsnpvm"}]}]}').toString('base64url'), immutable: true };
  const meta = await s.importKey('skr', { key: jwk as Record<string, unknown>, Hsm: true, attributes: { exportable: true }, release_policy: policy, tags: { a: 'b' } });
  for (const loaded of [await s.loadVersion('skr'), await s.loadVersion('skr', meta.version)]) {
    assert.equal(loaded.version, meta.version);
    assert.equal(loaded.jwk.kty, 'RSA');
    assert.equal((loaded.jwk as { d: string }).d, jwk.d);
    assert.equal(loaded.hsm, true);
    assert.equal(loaded.exportable, true);
    assert.equal(loaded.releasePolicy?.immutable, true);
    assert.deepEqual(loaded.tags, { a: 'b' });
  }
  await assert.rejects(s.loadVersion('absent'), { code: 'ERR_KEY_NOT_FOUND' });
  await store.close();
});

test('a stored row moved onto another key does not decrypt (ERR_KEY_MATERIAL_UNREADABLE), nor sign', async () => {
  const { store, service: s } = await service();
  const a = await s.create('a', { kty: 'EC' });
  const b = await s.create('b', { kty: 'EC' });
  const rowA = (await store.keyVersions.get('a', a.version))!;
  // Someone with write access to the database puts a's sealed material under b's identity.
  await store.deletedKeys.markDeleted({ name: 'b', deletedDate: 1, scheduledPurgeDate: 2 });
  await store.deletedKeys.purge('b');
  assert.equal(await store.keyVersions.insert({ name: 'b', version: b.version, meta: rowA.meta, sealedMaterial: rowA.sealedMaterial }), 'inserted');
  await assert.rejects(s.loadVersion('b'), { code: 'ERR_KEY_MATERIAL_UNREADABLE' });
  await assert.rejects(s.operate('b', b.version, 'sign', { alg: 'ES256', value: randomBytes(32).toString('base64url') }), { code: 'ERR_KEY_MATERIAL_UNREADABLE' });
  assert.equal((await s.loadVersion('a')).version, a.version, 'the original still opens');
  await store.close();
});

test('a rotation stores no private member in clear: every version\'s meta column holds the public description only', async () => {
  const { store, service: s } = await service();
  const first = await s.create('rot', { kty: 'RSA-HSM', key_size: 2048, tags: { t: '1' } });
  const second = await s.rotate('rot');
  await s.update('rot', second.version, { tags: { t: '2' } });
  const third = await s.rotate('rot');
  const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
  for (const v of [first, second, third]) {
    const { jwk } = await s.loadVersion('rot', v.version);
    for (const row of await store.keyVersions.allVersions('rot')) {
      assert.deepEqual(Object.keys(JSON.parse(row.meta)).sort(), ['attributes', 'exportable', 'family', 'hsm', 'keyOps', 'publicJwk', 'size', 'tags']);
      for (const m of privateMembers) assert.ok(!row.meta.includes((jwk as Record<string, string>)[m]!), `${row.version} holds ${m} of ${v.version}`);
    }
  }
  assert.deepEqual((await s.get('rot')).tags, { t: '2' });
  await store.close();
});

test('a meta column that holds a member it should not is read without it, rewritten without it at the next update, and restored from a backup without it', async () => {
  const { store, service: s } = await service();
  const meta = await s.create('old', { kty: 'EC-HSM', crv: 'P-256' });
  const row = (await store.keyVersions.get('old', meta.version))!;
  const polluted = JSON.stringify({ ...JSON.parse(row.meta), loaded: { jwk: { d: 'secret-d' } } });
  await store.keyVersions.update('old', meta.version, polluted, row.revision);
  assert.equal(((await s.get('old')) as unknown as Record<string, unknown>)['loaded'], undefined);
  // A backup taken now carries the row as stored; its restore writes the named members only.
  const blob = Buffer.from(await s.backup('old')).toString('base64url');
  await s.update('old', meta.version, { tags: { clean: 'yes' } });
  assert.ok(!(await store.keyVersions.get('old', meta.version))!.meta.includes('secret-d'));
  await s.delete('old');
  await s.purge('old');
  await s.restore(blob);
  assert.ok(!(await store.keyVersions.get('old', meta.version))!.meta.includes('secret-d'));
  await store.close();
});

test('with rsaThreads the service signs RS and PS on its threads (what the event loop signs, for RS), refuses what it refused, and close ends them', async () => {
  const store = openSqliteStore(':memory:');
  const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true });
  const threaded = new KeyVaultService({ store, root, rsaThreads: 2 });
  const inline = new KeyVaultService({ store, root });
  const meta = await threaded.create('t', { kty: 'RSA-HSM', key_size: 2048 });
  const digest = createHash('sha256').update('signed').digest();
  const value = digest.toString('base64url');
  // Two requests open: the signatures have company, so they go to the threads (rsa-placement.ts).
  const open = [threaded.requestOpened(), threaded.requestOpened()];
  const rs = await Promise.all(Array.from({ length: 8 }, () => threaded.operate('t', meta.version, 'sign', { alg: 'RS256', value })));
  const expected = (await inline.operate('t', meta.version, 'sign', { alg: 'RS256', value })).value!;
  for (const r of rs) assert.deepEqual(Buffer.from(r.value!), Buffer.from(expected));
  const ps = (await threaded.operate('t', meta.version, 'sign', { alg: 'PS256', value })).value!;
  assert.equal((await threaded.operate('t', meta.version, 'verify', { alg: 'PS256', digest: value, value: Buffer.from(ps).toString('base64url') })).verified, true);
  await assert.rejects(threaded.operate('t', meta.version, 'sign', { alg: 'RS384', value }), { code: 'ERR_KEY_BAD_PARAMETER' });
  for (const close of open) close();
  await threaded.close();
  await store.close();
});
