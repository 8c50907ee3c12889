/** A seal provider holding its key in memory: for tests, and for runs that must not outlive the process. */
import { CoordinatorError } from '../errors.js';
import { AES_KEY_LENGTH } from './aead.js';
import { unwrapDataKey, wrapDataKey } from './key-wrap.js';
import type { SealProvider } from './provider.js';

/**
 * A provider over `key`, or over a key generated at the first wrap. A fresh provider without a
 * key stands for a lost seal key: unwrapKey throws ERR_SEAL_KEY_UNAVAILABLE.
 */
export function createMemorySealProvider(key?: Uint8Array): SealProvider {
  let sealKey = key?.slice();
  if (sealKey !== undefined && sealKey.length !== AES_KEY_LENGTH) {
    throw new CoordinatorError('ERR_CONFIG_INVALID', `a seal key must be ${AES_KEY_LENGTH} bytes, got ${sealKey.length}`);
  }
  return {
    id: 'memory',
    async wrapKey(dataKey) {
      sealKey ??= crypto.getRandomValues(new Uint8Array(AES_KEY_LENGTH));
      return wrapDataKey(sealKey, dataKey);
    },
    async unwrapKey(blob) {
      if (sealKey === undefined) throw new CoordinatorError('ERR_SEAL_KEY_UNAVAILABLE', 'this provider has no seal key', { details: { reason: 'missing' } });
      return unwrapDataKey(sealKey, blob);
    },
  };
}
