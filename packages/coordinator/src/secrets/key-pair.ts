/** Key pairs for certificate secrets, through node:crypto (WebCrypto has no P-224). */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Secret } from '../manifest/types.js';
import { ECDSA_SIZES, RSA_DEFAULT_BITS } from './definition-check.js';

const generate = promisify(generateKeyPair) as (type: string, options: object) => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;

export interface KeyPairDer {
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** PKCS#8 DER. */
  pkcs8: Uint8Array;
}

/** A fresh key pair for a cert-rsa, cert-ecdsa or cert-ed25519 definition (already checked). */
export async function generateSecretKeyPair(def: Secret): Promise<KeyPairDer> {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  if (def.Type === 'cert-rsa') pair = await generate('rsa', { modulusLength: def.Size || RSA_DEFAULT_BITS, publicExponent: 0x10001 });
  else if (def.Type === 'cert-ecdsa') pair = await generate('ec', { namedCurve: ECDSA_SIZES[def.Size]! });
  else pair = await generate('ed25519', {});
  return {
    spki: new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' })),
    pkcs8: new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' })),
  };
}
