/**
 * The key a release wraps to, picked from the attestation token as the service picks it: the
 * first key of `x-ms-runtime.keys` (the runtime data the TEE bound into its evidence) that is an
 * RSA key for encryption, `key_use` (or JWK's `use`) "enc" or `key_ops` containing "encrypt".
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { KeyVaultError } from '../errors.js';

export interface TransferKey {
  /** The JWK's `kid`, echoed in key_hsm's header (empty when the JWK has none). */
  kid: string;
  key: KeyObject;
}

function isEncKey(jwk: Record<string, unknown>): boolean {
  const ops = jwk['key_ops'];
  return jwk['key_use'] === 'enc' || jwk['use'] === 'enc' || (Array.isArray(ops) && ops.includes('encrypt'));
}

/** The transfer key of a token's claims; ERR_KEY_RELEASE_NO_TRANSFER_KEY when there is none usable. */
export function pickTransferKey(claims: Readonly<Record<string, unknown>>): TransferKey {
  const runtime = claims['x-ms-runtime'];
  const keys = typeof runtime === 'object' && runtime !== null ? (runtime as Record<string, unknown>)['keys'] : undefined;
  if (!Array.isArray(keys)) throw new KeyVaultError('ERR_KEY_RELEASE_NO_TRANSFER_KEY', 'the attestation token carries no x-ms-runtime.keys');
  for (const jwk of keys) {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) continue;
    const k = jwk as Record<string, unknown>;
    if (k['kty'] !== 'RSA' || !isEncKey(k) || typeof k['n'] !== 'string' || typeof k['e'] !== 'string') continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: { kty: 'RSA', n: k['n'], e: k['e'] }, format: 'jwk' });
    } catch (cause) {
      throw new KeyVaultError('ERR_KEY_RELEASE_NO_TRANSFER_KEY', 'the first encryption key in x-ms-runtime.keys is not a valid RSA public key', { cause });
    }
    // Below 2048 bits the wrapped key would be weaker than the key it protects.
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new KeyVaultError('ERR_KEY_RELEASE_NO_TRANSFER_KEY', 'the transfer key in x-ms-runtime.keys is shorter than 2048 bits');
    return { kid: typeof k['kid'] === 'string' ? k['kid'] : '', key };
  }
  throw new KeyVaultError('ERR_KEY_RELEASE_NO_TRANSFER_KEY', 'x-ms-runtime.keys has no RSA key with key_use "enc" or key_ops "encrypt"');
}
