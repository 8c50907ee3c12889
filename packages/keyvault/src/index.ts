/**
 * The key vault: the key model, keys at rest under the vault root key, and the key operations
 * of the Azure Key Vault / Managed HSM keys API, without HTTP. Node only (node:crypto).
 */
export * from './model/key-types.js';
export type { PrivateJwk, KeyAttributes, ReleasePolicy, StoredKeyVersion } from './model/key-version.js';
export { metaOf, metaToJson, metaFromJson, type KeyVersionMeta } from './model/key-meta.js';
export { createVaultRoot, ROOT_KEY_BYTES, type VaultRoot, type VaultRootOptions, type VaultState } from './root/vault-root.js';
export { sealKeyMaterial, openKeyMaterial, encryptUnderRoot, decryptUnderRoot } from './at-rest/key-material.js';
export { sealBackup, openBackup, type KeyBackup, type BackupVersion } from './backup/backup-blob.js';
export { assertKeyUsable } from './access/key-usable.js';
export { generateKeyMaterial, type KeySpec } from './crypto/generate.js';
export { importJwk, importedFamily } from './crypto/import-jwk.js';
export { keyObjectOf, publicJwkOf } from './crypto/key-object.js';
export { loadKey, type LoadedKey } from './crypto/loaded-key.js';
export { rsaPrivateInline, type RsaPrivateOperation, type RsaPrivateInput, type RsaPadding } from './crypto/rsa-private.js';
export { RsaThreadPool } from './crypto/rsa-threads/pool.js';
export { sign, signWith, verify, encrypt, decrypt, wrapKey, unwrapKey, type EncryptInput, type EncryptOutput } from './crypto/operations.js';
export { SIGNATURE_ALGORITHMS, RSA_ENCRYPTION, AES_ENCRYPTION, AES_KEY_WRAP, DEFAULT_KEY_OPS, type SignatureAlgorithm } from './crypto/algorithms.js';
export { keyBundle, keyItem, wireKey, wireAttributes, wireReleasePolicy, kidOf, type DeletedInfo } from './wire/key-bundle.js';
export * from './errors.js';
export * from './release/index.js';
export * from './security-domain/index.js';
