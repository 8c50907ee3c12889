/**
 * The vault root key's life at rest: sealed with the instance seal in the store's vault-root row,
 * written once. At start the row (if any) is unsealed; a root that does not unseal leaves the
 * vault uninitialized and degraded, never silently replaced (every stored key depends on it).
 */
import { randomBytes } from 'node:crypto';
import { createVaultRoot, KeyVaultError, ROOT_KEY_BYTES, type VaultRoot } from '@confide/keyvault';
import type { Store } from '@confide/store';
import type { Seal } from '../../seal/index.js';

/** The seal context of the root key: a blob sealed for another purpose does not open as a root. */
export const VAULT_ROOT_SEAL_CONTEXT = 'confide-keyvault-root-v1';

export interface OpenedVaultRoot {
  root: VaultRoot;
  /** Why the stored root cannot be used, when it cannot. */
  degraded: string | undefined;
  /** True when this start generated the root (dev mode, first start). */
  generated: boolean;
}

export interface OpenVaultRootOptions {
  store: Store;
  seal: Seal;
  /** Dev mode generates a root at first start; production waits for the security domain. */
  generateIfAbsent: boolean;
}

/** Opens the vault root from the store. Throws ERR_STORE_UNAVAILABLE. */
export async function openVaultRoot({ store, seal, generateIfAbsent }: OpenVaultRootOptions): Promise<OpenedVaultRoot> {
  const persist = async (rootKey: Uint8Array): Promise<void> => {
    const stored = await store.vaultRoot.put({ provider: 'seal', sealedRoot: seal.seal(rootKey, VAULT_ROOT_SEAL_CONTEXT), createdAt: new Date().toISOString() });
    if (!stored) throw new KeyVaultError('ERR_KEYVAULT_ALREADY_ACTIVATED', 'the vault already has a root key (stored by another start)');
  };
  const row = await store.vaultRoot.get();
  if (row) {
    try {
      return { root: createVaultRoot({ initial: seal.unseal(row.sealedRoot, VAULT_ROOT_SEAL_CONTEXT), persist }), degraded: undefined, generated: false };
    } catch {
      return { root: createVaultRoot({ persist }), degraded: 'the vault root key cannot be unsealed with this seal key: key operations are refused', generated: false };
    }
  }
  const root = createVaultRoot({ persist });
  if (!generateIfAbsent) return { root, degraded: undefined, generated: false };
  await root.activate(new Uint8Array(randomBytes(ROOT_KEY_BYTES)));
  return { root, degraded: undefined, generated: true };
}
