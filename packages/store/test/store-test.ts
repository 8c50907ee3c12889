/** The test shape of every contract file: a fresh store per test, named by its engine, closed after. */
import { test } from 'node:test';
import type { Store } from '../src/index.js';

/** `t(name, fn)` runs `fn` on a store from `open`, as the test `${engine}: ${name}`. */
export function storeTest(engine: string, open: () => Promise<Store>, options: { skip?: string } = {}): (name: string, fn: (store: Store) => Promise<void>) => void {
  return (name, fn) => {
    test(`${engine}: ${name}`, { skip: options.skip }, async () => {
      const store = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    });
  };
}
