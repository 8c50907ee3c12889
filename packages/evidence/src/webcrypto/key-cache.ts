/**
 * Imported WebCrypto keys, remembered in the verification cache by their bytes: importing a key
 * costs about as much as a verification (more for RSA-4096), and the same CA keys come with
 * every piece of evidence. The one key-import cache of the packages (Intel P-256 points, AMD
 * SPKIs, simulation keys; the coordinator keeps its signing keys in a VerifyCache of its own).
 */
import { byteKey } from '../memo/cache.js';
import type { VerifyCache } from '../memo/verify-cache.js';

/** What an imported key is charged in the cache besides its bytes. */
const KEY_OVERHEAD_BYTES = 256;

/**
 * The import in flight or done for `keyData` under `tag` (format and algorithm), else
 * `load()`'s. An import that rejects (a point not on the curve, a broken SPKI) leaves the cache
 * at once, so it cannot poison it.
 */
export function importKeyCached<K = CryptoKey>(cache: VerifyCache, tag: string, keyData: Uint8Array, load: () => Promise<K>): Promise<K> {
  const region = `key:${tag}`;
  const id = byteKey(keyData);
  let key = cache.get<Promise<K>>(region, id);
  if (key === undefined) {
    key = load();
    cache.set(region, id, key, keyData.length + KEY_OVERHEAD_BYTES);
    const pending = key;
    pending.catch(() => cache.delete(region, id, pending));
  }
  return key;
}
