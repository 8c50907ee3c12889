/**
 * The key vault's part of the storage contract: soft delete hides a name and blocks new versions
 * until recover or purge, metadata updates are revision-checked, paging covers every row once,
 * the root is written once. Engine-agnostic, like contract.ts, and races concurrent writers.
 */
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { storeTest } from './store-test.js';
import type { KeyVersionRow, Page, Store } from '../src/index.js';

function version(name: string, n: number): Omit<KeyVersionRow, 'revision'> {
  return { name, version: n.toString(16).padStart(32, '0'), meta: JSON.stringify({ n }), sealedMaterial: Uint8Array.of(n, 0xaa) };
}

async function everyPage<T>(fetch: (after?: string) => Promise<Page<T>>): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  do {
    const page = await fetch(after);
    pages.push(page.items);
    after = page.next;
  } while (after !== undefined);
  return pages;
}

export function keyVaultContract(engine: string, open: () => Promise<Store>, options: { skip?: string } = {}): void {
  const t = storeTest(engine, open, options);

  t('key versions: insert once, latest is the newest, get by version, bytes come back as stored', async (store) => {
    assert.equal(await store.keyVersions.insert(version('k', 1)), 'inserted');
    assert.equal(await store.keyVersions.insert(version('k', 1)), 'exists');
    assert.equal(await store.keyVersions.insert(version('k', 2)), 'inserted');
    const latest = await store.keyVersions.latest('k');
    assert.equal(latest?.version, version('k', 2).version);
    assert.equal(latest?.revision, 1);
    assert.deepEqual((await store.keyVersions.get('k', version('k', 1).version))?.sealedMaterial, Uint8Array.of(1, 0xaa));
    assert.equal(await store.keyVersions.get('k', 'nope'), undefined);
    assert.equal(await store.keyVersions.latest('other'), undefined);
  });

  t('key versions: an update names the revision it replaces; a stale one conflicts', async (store) => {
    const v = version('k', 1);
    await store.keyVersions.insert(v);
    assert.equal(await store.keyVersions.update('k', v.version, '{"x":1}', 1), 2);
    await assert.rejects(store.keyVersions.update('k', v.version, '{"x":2}', 1), (e) => isConfideError(e, 'ERR_STORE_CONFLICT'));
    assert.equal((await store.keyVersions.get('k', v.version))?.meta, '{"x":1}');
    // Racing writers from the same revision: exactly one wins.
    const out = await Promise.allSettled([2, 2, 2, 2].map((r, i) => store.keyVersions.update('k', v.version, `{"w":${i}}`, r)));
    assert.equal(out.filter((o) => o.status === 'fulfilled').length, 1);
  });

  t('soft delete hides the name, blocks new versions; recover brings it back; purge removes it for good', async (store) => {
    await store.keyVersions.insert(version('k', 1));
    assert.equal(await store.deletedKeys.markDeleted({ name: 'absent', deletedDate: 1, scheduledPurgeDate: 2 }), false);
    assert.equal(await store.deletedKeys.markDeleted({ name: 'k', deletedDate: 10, scheduledPurgeDate: 20 }), true);
    assert.equal(await store.deletedKeys.markDeleted({ name: 'k', deletedDate: 11, scheduledPurgeDate: 21 }), false);
    assert.deepEqual(await store.deletedKeys.get('k'), { name: 'k', deletedDate: 10, scheduledPurgeDate: 20 });
    assert.equal(await store.keyVersions.latest('k'), undefined);
    assert.equal(await store.keyVersions.get('k', version('k', 1).version), undefined);
    assert.deepEqual((await store.keyVersions.listLatest(10)).items, []);
    assert.equal(await store.keyVersions.insert(version('k', 2)), 'deleted');
    await assert.rejects(store.keyVersions.update('k', version('k', 1).version, '{}', 1), (e) => isConfideError(e, 'ERR_STORE_CONFLICT'));
    assert.equal((await store.keyVersions.allVersions('k')).length, 1, 'a deleted key keeps its versions');

    assert.equal(await store.deletedKeys.recover('k'), true);
    assert.equal(await store.deletedKeys.recover('k'), false);
    assert.equal((await store.keyVersions.latest('k'))?.version, version('k', 1).version);

    assert.equal(await store.deletedKeys.purge('k'), false, 'a live key cannot be purged');
    await store.deletedKeys.markDeleted({ name: 'k', deletedDate: 10, scheduledPurgeDate: 20 });
    assert.equal(await store.deletedKeys.purge('k'), true);
    assert.deepEqual(await store.keyVersions.allVersions('k'), []);
    assert.equal(await store.deletedKeys.get('k'), undefined);
    assert.equal(await store.keyVersions.insert(version('k', 3)), 'inserted', 'a purged name is free again');
  });

  t('paging: latest per name and versions per name, each row once, in order', async (store) => {
    for (let i = 0; i < 7; i++) await store.keyVersions.insert(version(`key-${i}`, 1));
    for (let v = 2; v <= 5; v++) await store.keyVersions.insert(version('key-3', v));
    await store.keyVersions.insert(version('gone', 1));
    await store.deletedKeys.markDeleted({ name: 'gone', deletedDate: 1, scheduledPurgeDate: 2 });

    const pages = await everyPage((after) => store.keyVersions.listLatest(3, after));
    assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
    const latest = pages.flat();
    assert.deepEqual(latest.map((r) => r.name), ['key-0', 'key-1', 'key-2', 'key-3', 'key-4', 'key-5', 'key-6']);
    assert.equal(latest[3]!.version, version('key-3', 5).version);

    const versions = await everyPage((after) => store.keyVersions.listVersions('key-3', 2, after));
    assert.deepEqual(versions.flat().map((r) => JSON.parse(r.meta).n), [1, 2, 3, 4, 5]);
    assert.deepEqual((await store.keyVersions.listVersions('gone', 10)).items, []);

    await store.deletedKeys.markDeleted({ name: 'key-0', deletedDate: 3, scheduledPurgeDate: 4 });
    const deleted = await everyPage((after) => store.deletedKeys.list(1, after));
    assert.deepEqual(deleted.flat().map((d) => d.name), ['gone', 'key-0']);
  });

  t('racing deleters and inserters: a name is deleted once, and no version lands in a deleted name', async (store) => {
    await store.keyVersions.insert(version('k', 1));
    const jobs = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0 ? store.deletedKeys.markDeleted({ name: 'k', deletedDate: i, scheduledPurgeDate: i + 1 }) : store.keyVersions.insert(version('k', 10 + i)),
    );
    const results = await Promise.all(jobs);
    assert.equal(results.filter((r) => r === true).length, 1);
    // Each insert either landed before the deletion or was refused because of it; nothing else.
    const inserts = results.filter((_, i) => i % 2 === 1);
    assert.ok(inserts.every((r) => r === 'inserted' || r === 'deleted'), inserts.join(','));
    const stored = (await store.keyVersions.allVersions('k')).length;
    assert.equal(stored, 1 + inserts.filter((r) => r === 'inserted').length);
    assert.equal(await store.keyVersions.insert(version('k', 99)), 'deleted');
  });

  t('rotation policies: put replaces, delete forgets', async (store) => {
    assert.equal(await store.keyRotationPolicies.get('k'), undefined);
    await store.keyRotationPolicies.put('k', '{"a":1}');
    await store.keyRotationPolicies.put('k', '{"a":2}');
    assert.equal(await store.keyRotationPolicies.get('k'), '{"a":2}');
    await store.keyRotationPolicies.delete('k');
    assert.equal(await store.keyRotationPolicies.get('k'), undefined);
  });

  t('the vault root is written once', async (store) => {
    assert.equal(await store.vaultRoot.get(), undefined);
    const results = await Promise.all([1, 2, 3].map((n) => store.vaultRoot.put({ provider: 'file', sealedRoot: Uint8Array.of(n), createdAt: `t${n}` })));
    assert.deepEqual(results.filter(Boolean).length, 1);
    const row = await store.vaultRoot.get();
    assert.deepEqual(row?.sealedRoot, Uint8Array.of(results.indexOf(true) + 1));
    assert.equal(await store.tx(async (repos) => repos.vaultRoot.put({ provider: 'file', sealedRoot: Uint8Array.of(9), createdAt: 't' })), false);
  });

  t('the vault root is resealed only over the row it replaces, by one of racing writers', async (store) => {
    assert.equal(await store.vaultRoot.reseal({ provider: 'seal', sealedRoot: Uint8Array.of(5), createdAt: 't' }, Uint8Array.of(1)), false, 'no row yet');
    await store.vaultRoot.put({ provider: 'seal', sealedRoot: Uint8Array.of(1), createdAt: 't0' });
    const results = await Promise.all([2, 3, 4].map((n) => store.vaultRoot.reseal({ provider: 'seal', sealedRoot: Uint8Array.of(n), createdAt: `t${n}` }, Uint8Array.of(1))));
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual((await store.vaultRoot.get())?.sealedRoot, Uint8Array.of(results.indexOf(true) + 2));
    assert.equal(await store.vaultRoot.reseal({ provider: 'seal', sealedRoot: Uint8Array.of(9), createdAt: 't' }, Uint8Array.of(1)), false, 'the row changed');
  });

  t('a transaction that throws leaves no key version behind', async (store) => {
    await assert.rejects(
      store.tx(async (repos) => {
        await repos.keyVersions.insert(version('k', 1));
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await store.keyVersions.latest('k'), undefined);
  });
}
