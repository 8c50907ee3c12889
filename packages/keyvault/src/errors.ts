/** The codes of the key vault: key lookup, key use, the vault root's lifecycle, backups. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';

export const KEYVAULT_ERROR_CODES = defineErrorCodes('keyvault', {
  ERR_KEYVAULT_NOT_ACTIVATED: { expose: true, summary: 'The vault has no root key yet (no security domain generated or uploaded): it refuses key operations.' },
  ERR_KEYVAULT_ALREADY_ACTIVATED: { expose: true, summary: 'The vault already has a root key; a second one would orphan every stored key.' },
  ERR_KEY_NOT_FOUND: { expose: true, summary: 'No key (or key version, or deleted key) of that name exists in the vault.' },
  ERR_KEY_BAD_PARAMETER: { expose: true, summary: 'A key request names an unsupported key type, size, curve, algorithm or operation, or carries malformed key material.' },
  ERR_KEY_OPERATION_FORBIDDEN: { expose: true, summary: 'The key does not allow the operation: not in its key_ops, disabled, not yet valid (nbf) or expired (exp).' },
  ERR_KEY_CONFLICT: { expose: true, summary: 'The key is in a state that forbids the request: deleted but recoverable, not deleted, or its release policy is immutable.' },
  ERR_KEY_BACKUP_INVALID: { expose: true, summary: 'A key backup blob is malformed, altered, or was made by a vault with another root key.' },
  ERR_KEY_MATERIAL_UNREADABLE: { expose: false, summary: 'Stored key material cannot be decrypted under the vault root key (altered row or another root key).' },
  // secure key release
  ERR_KEY_RELEASE_NOT_EXPORTABLE: { expose: true, summary: 'The key was not created exportable with a release policy, so it is never released.' },
  ERR_KEY_RELEASE_TOKEN_INVALID: { expose: true, summary: 'The release target is not a signed attestation token this vault can verify (malformed, algorithm not allowed, bad signature, unknown kid).' },
  ERR_KEY_RELEASE_TOKEN_EXPIRED: { expose: true, summary: 'The release target token is expired or not yet valid (exp / nbf).' },
  ERR_KEY_RELEASE_ISSUER_UNTRUSTED: { expose: true, summary: 'The release target token comes from an issuer that is not among the vault\'s trusted issuers.' },
  ERR_KEY_RELEASE_NO_TRANSFER_KEY: { expose: true, summary: 'The attestation token carries no usable transfer key: no RSA key (2048 bits or more) in x-ms-runtime.keys with key_use "enc" or key_ops "encrypt".' },
  // security domain
  ERR_SECURITY_DOMAIN_INVALID: { expose: true, summary: 'A security domain request or document is malformed: 3 to 10 RSA keys (2048 bits or more, all different), a quorum of 2 to their number, a confide-security-domain document.' },
  ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT: { expose: true, summary: 'Fewer distinct security domain shares were uploaded than the quorum needs.' },
  ERR_SECURITY_DOMAIN_SHARE_INVALID: { expose: true, summary: 'An uploaded share does not match the security domain (altered, or from another one), or the shares do not combine to its root key.' },
  ERR_SECURITY_DOMAIN_ROOT_MISMATCH: { expose: true, summary: 'The restored root key does not open the keys this vault stores: the security domain belongs to another vault.' },
  ERR_KEY_RELEASE_RESPONSE_INVALID: { expose: true, summary: 'A release response is not a JWS signed by the certificate in its x5c (or not by the expected signer), or its payload is not a released key.' },
  ERR_KEY_RELEASE_UNWRAP_FAILED: { expose: true, summary: 'A release response does not unwrap: key_hsm is malformed, or its ciphertext was altered or is for another transfer key.' },
});

/** Raises the codes the key vault knows: its own and core's. */
export const KeyVaultError = errorClass(CORE_ERROR_CODES, KEYVAULT_ERROR_CODES);
export type KeyVaultError = InstanceType<typeof KeyVaultError>;
export type KeyVaultErrorCode = KeyVaultError['code'];
