/**
 * Imported WebCrypto keys, remembered by their bytes: importing a key costs about as much as a
 * verification (more for RSA-4096), and the same CA keys come with every piece of evidence.
 */

/**
 * A bounded cache of key imports: `(id, load)` answers the import in flight or done for `id`,
 * else starts `load()`. The oldest entry goes first when full; an import that rejects (a point
 * not on the curve, a broken SPKI) leaves the cache at once, so it cannot poison it.
 */
export function keyImportCache(max: number): (id: string, load: () => Promise<CryptoKey>) => Promise<CryptoKey> {
  const cache = new Map<string, Promise<CryptoKey>>();
  return (id, load) => {
    let key = cache.get(id);
    if (key === undefined) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      key = load();
      cache.set(id, key);
      key.catch(() => cache.delete(id));
    }
    return key;
  };
}
