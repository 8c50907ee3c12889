/** Imports the CA signing keys from the serialisable state, once per key. */
import { webcrypto } from 'node:crypto';
import { VerifyCache } from '@confide/evidence';
import { CA_KEY_ALGORITHM } from './constants.js';

/**
 * Imported signing keys, held by the state's array object (weakly: a key leaves with the state
 * that holds it), never by the private bytes themselves. An import that fails is not kept.
 */
const signingKeys = new VerifyCache();

/** The P-384 signing key held as PKCS#8 `der`; the same array object gives the same CryptoKey. */
export function caSigningKey(der: Uint8Array): Promise<CryptoKey> {
  return signingKeys.derived(der, 'ca-signing-key', () => webcrypto.subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, CA_KEY_ALGORITHM, false, ['sign']) as Promise<CryptoKey>);
}

/** A fresh extractable P-384 key pair and its PKCS#8 DER. */
export async function generateCaKey(): Promise<{ keys: CryptoKeyPair; pkcs8: Uint8Array }> {
  const keys = (await webcrypto.subtle.generateKey(CA_KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { keys, pkcs8 };
}
