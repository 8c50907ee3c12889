/**
 * The coordinator's audit key: ECDSA P-256. The private key belongs in the sealed state; the
 * public key is what relying parties pin to verify an exported log.
 */
import { CoordinatorError } from '../errors.js';

export interface AuditSigner {
  /** ECDSA P-256 / SHA-256 signature over `data`, IEEE P1363 (r || s). */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Public JWK (kty EC, crv P-256, x, y). */
  readonly publicKeyJwk: JsonWebKey;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A fresh audit key pair as JWKs; the private one carries d. */
export async function generateAuditKeyPair(): Promise<{ privateKeyJwk: JsonWebKey; publicKeyJwk: JsonWebKey }> {
  const pair = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const [privateKeyJwk, publicKeyJwk] = await Promise.all([crypto.subtle.exportKey('jwk', pair.privateKey), crypto.subtle.exportKey('jwk', pair.publicKey)]);
  return { privateKeyJwk, publicKeyJwk };
}

/** A signer over a private P-256 JWK. Throws ERR_CONFIG_INVALID when the JWK is not one. */
export async function createAuditSigner(privateKeyJwk: JsonWebKey): Promise<AuditSigner> {
  if (privateKeyJwk.kty !== 'EC' || privateKeyJwk.crv !== 'P-256' || typeof privateKeyJwk.d !== 'string') {
    throw new CoordinatorError('ERR_CONFIG_INVALID', 'the audit key must be a private EC P-256 JWK');
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('jwk', privateKeyJwk, ALGORITHM, false, ['sign']);
  } catch (err) {
    throw new CoordinatorError('ERR_CONFIG_INVALID', 'the audit key JWK cannot be imported', { cause: err });
  }
  const publicKeyJwk: JsonWebKey = { kty: 'EC', crv: 'P-256', x: privateKeyJwk.x, y: privateKeyJwk.y };
  return {
    publicKeyJwk,
    async sign(data) {
      return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data as Uint8Array<ArrayBuffer>));
    },
  };
}
