/**
 * The signature check of a release target on node:crypto, over the token's original bytes: jose's
 * path runs it through WebCrypto, which cost a release about four times the verification itself
 * on the event loop (issue 8). Only the asymmetric algorithms a release accepts; the key must fit
 * the algorithm as jose requires it (RSA of 2048 bits or more, the curve the ES algorithm names).
 */
import { constants, KeyObject, verify } from 'node:crypto';

export type ReleaseTokenAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

interface AlgorithmSpec {
  hash: 'sha256' | 'sha384' | 'sha512';
  kind: 'rsa' | 'pss' | 'ec';
  /** ES: the key's curve and the signature's length (r || s). */
  curve?: string;
  signatureBytes?: number;
}

export const RELEASE_TOKEN_SPECS: Readonly<Record<ReleaseTokenAlgorithm, AlgorithmSpec>> = {
  RS256: { hash: 'sha256', kind: 'rsa' },
  RS384: { hash: 'sha384', kind: 'rsa' },
  RS512: { hash: 'sha512', kind: 'rsa' },
  PS256: { hash: 'sha256', kind: 'pss' },
  PS384: { hash: 'sha384', kind: 'pss' },
  PS512: { hash: 'sha512', kind: 'pss' },
  ES256: { hash: 'sha256', kind: 'ec', curve: 'prime256v1', signatureBytes: 64 },
  ES384: { hash: 'sha384', kind: 'ec', curve: 'secp384r1', signatureBytes: 96 },
  ES512: { hash: 'sha512', kind: 'ec', curve: 'secp521r1', signatureBytes: 132 },
};

const MIN_RSA_BITS = 2048;

/** Why `key` cannot verify `alg`, or undefined when it can. */
export function keyMismatch(alg: ReleaseTokenAlgorithm, key: KeyObject): string | undefined {
  const spec = RELEASE_TOKEN_SPECS[alg];
  if (key.type !== 'public') return `${alg} verifies with a public key`;
  if (spec.kind === 'ec') {
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === spec.curve ? undefined : `${alg} needs an EC key on ${spec.curve}`;
  }
  const rsa = key.asymmetricKeyType === 'rsa' || (spec.kind === 'pss' && key.asymmetricKeyType === 'rsa-pss');
  if (!rsa) return `${alg} needs an RSA key`;
  return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS ? undefined : `${alg} needs an RSA key of ${MIN_RSA_BITS} bits or more`;
}

/** Whether `signature` is `key`'s `alg` signature over `signingInput` (the token up to its last dot, as sent). */
export function verifyJwsSignature(alg: ReleaseTokenAlgorithm, key: KeyObject, signingInput: Buffer, signature: Buffer): boolean {
  const spec = RELEASE_TOKEN_SPECS[alg];
  if (spec.kind === 'ec') return signature.length === spec.signatureBytes && verify(spec.hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (spec.kind === 'pss') return verify(spec.hash, signingInput, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
  return verify(spec.hash, signingInput, key, signature);
}

/** A key object for what an issuer's key set gives (jose's remote sets give CryptoKeys). */
export function keyObjectOf(key: KeyObject | CryptoKey): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}
