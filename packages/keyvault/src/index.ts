/**
 * The key vault: the key model, keys at rest under the vault root key, and the key operations
 * of the Azure Key Vault / Managed HSM keys API, without HTTP. Node only (node:crypto).
 */
export * from './model/key-types.js';
export type { PrivateJwk, KeyAttributes, ReleasePolicy, StoredKeyVersion } from './model/key-version.js';
export { createVaultRoot, ROOT_KEY_BYTES, type VaultRoot, type VaultRootOptions, type VaultState } from './root/vault-root.js';
export * from './errors.js';
export { sealKeyMaterial, openKeyMaterial, encryptUnderRoot, decryptUnderRoot } from './at-rest/key-material.js';
