/** A key version's material loaded once into node key objects, for the operations. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Curve, KeyFamily } from '../model/key-types.js';
import type { PrivateJwk } from '../model/key-version.js';
import { keyObjectOf } from './key-object.js';

export interface LoadedKey {
  family: KeyFamily;
  jwk: PrivateJwk;
  /** Private (RSA, EC) or secret (oct) key object. */
  key: KeyObject;
  /** Public key object (RSA, EC). */
  publicKey?: KeyObject;
  curve?: Curve;
  /** Raw private scalar (EC), for ECDSA over a digest. */
  d?: Buffer;
  /** Raw secret (oct). */
  secret?: Buffer;
}

export function loadKey(jwk: PrivateJwk): LoadedKey {
  const key = keyObjectOf(jwk);
  switch (jwk.kty) {
    case 'RSA':
      return { family: 'RSA', jwk, key, publicKey: createPublicKey(key) };
    case 'EC':
      return { family: 'EC', jwk, key, publicKey: createPublicKey(key), curve: jwk.crv, d: Buffer.from(jwk.d, 'base64url') };
    case 'oct':
      return { family: 'oct', jwk, key, secret: Buffer.from(jwk.k, 'base64url') };
  }
}
