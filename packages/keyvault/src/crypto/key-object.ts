/** Node key objects and public JWKs from a stored version's private JWK. */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { PrivateJwk } from '../model/key-version.js';

/** The key object behind a version: private (RSA, EC) or secret (oct). */
export function keyObjectOf(jwk: PrivateJwk): KeyObject {
  if (jwk.kty === 'oct') return createSecretKey(Buffer.from(jwk.k, 'base64url'));
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

/** The public key object of an RSA or EC private key object. */
export function publicKeyObjectOf(key: KeyObject): KeyObject {
  return createPublicKey(key);
}

/** The public members of a JWK (none for oct: its material never leaves). */
export function publicJwkOf(jwk: PrivateJwk): Record<string, string> {
  switch (jwk.kty) {
    case 'RSA':
      return { n: jwk.n, e: jwk.e };
    case 'EC':
      return { crv: jwk.crv, x: jwk.x, y: jwk.y };
    case 'oct':
      return {};
  }
}
