/**
 * The vault root key's life at rest: sealed with the instance seal in the store's vault-root row,
 * written once. At start the row (if any) is unsealed; a root that does not unseal leaves the
 * vault uninitialized and degraded, never silently replaced (every stored key depends on it).
 */
import { randomBytes } from 'node:crypto';
import { createVaultRoot, KeyVaultError, openKeyMaterial, ROOT_KEY_BYTES, type VaultRoot } from '@confide/keyvault';
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
      // Only a security domain upload can bring this root back; it is then sealed anew over the row it replaces.
      const reseal = async (rootKey: Uint8Array): Promise<void> => {
        await assertRootOpensStore(store, rootKey);
        const stored = await store.vaultRoot.reseal({ provider: 'seal', sealedRoot: seal.seal(rootKey, VAULT_ROOT_SEAL_CONTEXT), createdAt: new Date().toISOString() }, row.sealedRoot);
        if (!stored) throw new KeyVaultError('ERR_KEYVAULT_ALREADY_ACTIVATED', 'the vault root changed while it was being restored');
      };
      return {
        root: createVaultRoot({ persist: reseal }),
        degraded: 'the vault root key cannot be unsealed with this seal key: key operations are refused until its security domain is uploaded',
        generated: false,
      };
    }
  }
  const root = createVaultRoot({ persist });
  if (!generateIfAbsent) return { root, degraded: undefined, generated: false };
  await root.activate(new Uint8Array(randomBytes(ROOT_KEY_BYTES)));
  return { root, degraded: undefined, generated: true };
}

/**
 * Throws ERR_SECURITY_DOMAIN_ROOT_MISMATCH unless `rootKey` opens a key the store holds (any
 * key: all are under one root). A store without keys accepts any root: nothing can be orphaned.
 */
export async function assertRootOpensStore(store: Store, rootKey: Uint8Array): Promise<void> {
  const sample = (await store.keyVersions.listLatest(1, undefined)).items[0];
  if (!sample) return;
  try {
    openKeyMaterial(rootKey, sample.name, sample.version, sample.sealedMaterial);
  } catch {
    throw new KeyVaultError('ERR_SECURITY_DOMAIN_ROOT_MISMATCH', 'this root key does not open the keys the vault stores: it belongs to another vault');
  }
}
