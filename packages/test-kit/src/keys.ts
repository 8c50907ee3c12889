/**
 * Key pairs for tests whose JWK may be exported: parsed from the generation job's DER, so no job
 * owns them (the Node 20 deadlock in packages/coordinator/src/pki/ec-key-der.ts, which WebCrypto's
 * generateKey shares).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';

export type KeyPairOptions = { modulusLength: number; publicExponent?: number } | { namedCurve: string };

/** A fresh RSA or EC key pair as KeyObjects whose JWK export is safe. */
export function keyPairSync(type: 'rsa', options: { modulusLength: number; publicExponent?: number }): { privateKey: KeyObject; publicKey: KeyObject };
export function keyPairSync(type: 'ec', options: { namedCurve: string }): { privateKey: KeyObject; publicKey: KeyObject };
export function keyPairSync(type: 'rsa' | 'ec', options: KeyPairOptions): { privateKey: KeyObject; publicKey: KeyObject } {
  const der = { privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } } as const;
  const { privateKey } = (generateKeyPairSync as (t: string, o: object) => { privateKey: Buffer })(type, { ...options, ...der });
  const key = createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' });
  return { privateKey: key, publicKey: createPublicKey(key) };
}

/** The JWK of any key (a CryptoKey included) through a fresh copy of it, safe whoever made the key. */
export function jwkOf(key: KeyObject | CryptoKey): JsonWebKey {
  const k = key instanceof KeyObject ? key : KeyObject.from(key);
  const copy = k.type === 'private' ? createPrivateKey({ key: k.export({ type: 'pkcs8', format: 'der' }), format: 'der', type: 'pkcs8' }) : createPublicKey({ key: k.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' });
  return copy.export({ format: 'jwk' });
}

/**
 * A signature from `sign` that starts with a zero byte, for randomised schemes (RSA-PSS): about one
 * in 256 does. Cut of that byte it is the same number one byte short, which OpenSSL and WebCrypto
 * on Node accept for PSS although RFC 8017 (8.1.2, step 1) refuses it. Throws after 4,096 tries.
 */
export async function signatureStartingWithZero(sign: () => Promise<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  for (let i = 0; i < 4096; i++) {
    const sig = new Uint8Array(await sign());
    if (sig[0] === 0) return sig;
  }
  throw new Error('no signature starting with a zero byte in 4,096 tries');
}
