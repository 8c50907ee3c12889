/**
 * A seal provider over a key the TEE derives for the coordinator (Gramine's SGX sealing keys):
 * the wrapping key is HKDF-SHA256 of the TEE key under a label naming the mode, so the same TEE
 * key never wraps under two modes, and a key of any length the TEE gives becomes an AES-256 key.
 */
import { hkdfSync } from 'node:crypto';
import { AES_KEY_LENGTH } from './aead.js';
import { unwrapDataKey, wrapDataKey } from './key-wrap.js';
import type { SealProvider } from './provider.js';
import type { TeeSealMode } from './seal-mode.js';

/** The id a record keeps for data keys wrapped under `mode`'s TEE key. */
export function teeSealProviderId(mode: TeeSealMode): string {
  return `tee-${mode === 'ProductKey' ? 'product' : 'unique'}-key`;
}

/**
 * `teeKey` reads the TEE's key each time it is needed (it is never kept), throwing
 * ERR_SEAL_KEY_UNAVAILABLE when the TEE does not give it: at start that means recovery.
 */
export function createTeeSealProvider(mode: TeeSealMode, teeKey: () => Promise<Uint8Array>): SealProvider {
  const wrappingKey = async (): Promise<Uint8Array> => new Uint8Array(hkdfSync('sha256', await teeKey(), new Uint8Array(0), `confide/coordinator-seal/v1/${mode}`, AES_KEY_LENGTH));
  return {
    id: teeSealProviderId(mode),
    async wrapKey(dataKey) {
      return wrapDataKey(await wrappingKey(), dataKey);
    },
    async unwrapKey(blob) {
      return unwrapDataKey(await wrappingKey(), blob);
    },
  };
}
