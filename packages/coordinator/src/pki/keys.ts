/** Imports the CA signing keys from the serialisable state, once per key. */
import { webcrypto } from 'node:crypto';
import { CA_KEY_ALGORITHM } from './constants.js';

const cache = new WeakMap<Uint8Array, Promise<CryptoKey>>();

/** The P-384 signing key held as PKCS#8 `der`; the same array object gives the same CryptoKey. */
export function caSigningKey(der: Uint8Array): Promise<CryptoKey> {
  let key = cache.get(der);
  if (!key) {
    key = webcrypto.subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, CA_KEY_ALGORITHM, false, ['sign']) as Promise<CryptoKey>;
    cache.set(der, key);
  }
  return key;
}

/** A fresh extractable P-384 key pair and its PKCS#8 DER. */
export async function generateCaKey(): Promise<{ keys: CryptoKeyPair; pkcs8: Uint8Array }> {
  const keys = (await webcrypto.subtle.generateKey(CA_KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { keys, pkcs8 };
}
