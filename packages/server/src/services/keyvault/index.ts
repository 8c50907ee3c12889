/** The key vault service (keys API without HTTP) and the vault root's life at rest. */
export { KeyVaultService, type KeyVaultServiceOptions, type DeletedKey, type Page } from './key-vault-service.js';
export type { CreateKeyBody, ImportKeyBody, UpdateKeyBody, AttributesInput, ReleasePolicyInput } from './key-requests.js';
export type { OperationName, OperationRequest, OperationResult } from './operations.js';
export { openVaultRoot, VAULT_ROOT_SEAL_CONTEXT, type OpenedVaultRoot } from './vault-root-store.js';
