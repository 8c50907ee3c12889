/**
 * The vault's root key: every stored key is encrypted under it. A vault starts uninitialized
 * and refuses key operations until a root key is activated, generated (dev mode, or a new
 * security domain) or uploaded (a security domain restored from its shares).
 */
import { KeyVaultError } from '../errors.js';

export type VaultState = 'uninitialized' | 'active';

/** Root keys are AES-256 keys. */
export const ROOT_KEY_BYTES = 32;

export interface VaultRoot {
  state(): VaultState;
  /** The root key; ERR_KEYVAULT_NOT_ACTIVATED before activation. */
  rootKey(): Uint8Array;
  /**
   * Makes `rootKey` the vault's root key and persists it (sealed) before the state changes.
   * ERR_KEYVAULT_ALREADY_ACTIVATED when the vault has one; ERR_KEY_BAD_PARAMETER for a key that
   * is not 32 bytes.
   */
  activate(rootKey: Uint8Array): Promise<void>;
  /** A copy of the root key for the security domain download; ERR_KEYVAULT_NOT_ACTIVATED before activation. */
  exportRoot(): Uint8Array;
}

export interface VaultRootOptions {
  /** The root key already persisted (unsealed at start), if any. */
  initial?: Uint8Array;
  /** Persists a new root key; called before the vault turns active, so a failed write leaves it uninitialized. */
  persist?: (rootKey: Uint8Array) => Promise<void>;
}

/** A vault root over an optional persisted key. */
export function createVaultRoot(options: VaultRootOptions = {}): VaultRoot {
  let root: Uint8Array | undefined = options.initial ? checked(options.initial) : undefined;
  // Two concurrent activations must not both persist: the second sees the first in flight.
  let activating = false;
  const required = (): Uint8Array => {
    if (!root) throw new KeyVaultError('ERR_KEYVAULT_NOT_ACTIVATED', 'the vault has no root key yet: generate or upload a security domain first');
    return root;
  };
  return {
    state: () => (root ? 'active' : 'uninitialized'),
    rootKey: required,
    exportRoot: () => required().slice(),
    async activate(rootKey) {
      const key = checked(rootKey).slice();
      if (root || activating) throw new KeyVaultError('ERR_KEYVAULT_ALREADY_ACTIVATED', 'the vault already has a root key');
      activating = true;
      try {
        await options.persist?.(key);
        root = key;
      } finally {
        activating = false;
      }
    },
  };
}

function checked(key: Uint8Array): Uint8Array {
  if (key.length !== ROOT_KEY_BYTES) throw new KeyVaultError('ERR_KEY_BAD_PARAMETER', `a vault root key is ${ROOT_KEY_BYTES} bytes, not ${key.length}`);
  return key;
}
