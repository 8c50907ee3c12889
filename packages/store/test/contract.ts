/**
 * The storage contract: every engine must pass these, unchanged. An engine's test file calls
 * `storeContract(name, open)` with a factory that returns a fresh, empty store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import type { Store } from '../src/index.js';

export function storeContract(engine: string, open: () => Promise<Store>, options: { skip?: string } = {}): void {
  const t = (name: string, fn: (store: Store) => Promise<void>): void => {
    test(`${engine}: ${name}`, { skip: options.skip }, async () => {
      const store = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    });
  };

  t('reports itself migrated and reachable', async (store) => {
    await store.ping();
    assert.ok((await store.schemaVersion()) >= 1);
  });

  t('settings round-trip JSON values', async (store) => {
    const value = { a: 1, b: [true, null, 'x'], c: { d: 'é' } };
    await store.settings.put('k', value);
    assert.deepEqual(await store.settings.get('k'), value);
    assert.equal(await store.settings.get('absent'), undefined);
  });

  t('put replaces, putIfAbsent does not', async (store) => {
    await store.settings.put('k', 1);
    await store.settings.put('k', 2);
    assert.equal(await store.settings.get('k'), 2);
    assert.equal(await store.settings.putIfAbsent('k', 3), false);
    assert.equal(await store.settings.get('k'), 2);
    assert.equal(await store.settings.putIfAbsent('n', 4), true);
    assert.equal(await store.settings.get('n'), 4);
  });

  t('delete reports whether a row went', async (store) => {
    await store.settings.put('k', 1);
    assert.equal(await store.settings.delete('k'), true);
    assert.equal(await store.settings.delete('k'), false);
    assert.equal(await store.settings.get('k'), undefined);
  });

  t('list returns keys under a prefix in order, and nothing else', async (store) => {
    for (const key of ['b/2', 'a/1', 'b/1', 'b', 'c/1', 'b/10']) await store.settings.put(key, key);
    assert.deepEqual(
      (await store.settings.list('b/')).map((r) => r.key),
      ['b/1', 'b/10', 'b/2'],
    );
    assert.deepEqual(await store.settings.list('zz/'), []);
  });

  t('count counts the keys under a prefix, inside a transaction too', async (store) => {
    for (const key of ['b/2', 'a/1', 'b/1', 'b', 'c/1', 'b/10']) await store.settings.put(key, key);
    assert.equal(await store.settings.count('b/'), 3);
    assert.equal(await store.settings.count('b'), 4);
    assert.equal(await store.settings.count('zz/'), 0);
    const inside = await store.tx(async (repos) => {
      await repos.settings.put('b/3', 3);
      await repos.settings.delete('b/1');
      await repos.settings.put('b/2', 'replaced');
      return repos.settings.count('b/');
    });
    assert.equal(inside, 3);
    await assert.rejects(
      store.tx(async (repos) => {
        await repos.settings.put('b/4', 4);
        assert.equal(await repos.settings.count('b/'), 4);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.settings.count('b/'), 3);
  });

  t('tx commits all writes together', async (store) => {
    const out = await store.tx(async (repos) => {
      await repos.settings.put('x', 1);
      await repos.settings.put('y', 2);
      return 'done';
    });
    assert.equal(out, 'done');
    assert.equal(await store.settings.get('x'), 1);
    assert.equal(await store.settings.get('y'), 2);
  });

  t('tx rolls back every write when fn throws, and rethrows', async (store) => {
    await store.settings.put('x', 'before');
    await assert.rejects(
      store.tx(async (repos) => {
        await repos.settings.put('x', 'inside');
        await repos.settings.put('y', 'inside');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.settings.get('x'), 'before');
    assert.equal(await store.settings.get('y'), undefined);
  });

  t('concurrent transactions do not lose updates', async (store) => {
    await store.settings.put('counter', 0);
    await Promise.all(
      Array.from({ length: 25 }, () =>
        store.tx(async (repos) => {
          const n = (await repos.settings.get<number>('counter')) ?? 0;
          await new Promise((r) => setTimeout(r, 1));
          await repos.settings.put('counter', n + 1);
        }),
      ),
    );
    assert.equal(await store.settings.get('counter'), 25);
  });

  t('a closed store refuses work with ERR_STORE_UNAVAILABLE', async (store) => {
    await store.close();
    await assert.rejects(store.ping(), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'));
  });
}
