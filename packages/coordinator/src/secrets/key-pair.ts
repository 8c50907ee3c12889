/** Key pairs for certificate secrets, through node:crypto (WebCrypto has no P-224). */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { Secret } from '../manifest/types.js';
import { ECDSA_SIZES, RSA_DEFAULT_BITS } from './definition-check.js';

const generate = promisify(generateKeyPair) as (type: string, options: object) => Promise<{ publicKey: Buffer; privateKey: Buffer }>;

/** DER straight out of the generation job: nothing exports the KeyObject it returned (the Node 20 deadlock in pki/ec-key-der.ts). */
const DER_ENCODINGS = { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } } as const;

export interface KeyPairDer {
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** PKCS#8 DER. */
  pkcs8: Uint8Array;
}

/** A fresh key pair for a cert-rsa, cert-ecdsa or cert-ed25519 definition (already checked). */
export async function generateSecretKeyPair(def: Secret): Promise<KeyPairDer> {
  let pair: { publicKey: Buffer; privateKey: Buffer };
  if (def.Type === 'cert-rsa') pair = await generate('rsa', { modulusLength: def.Size || RSA_DEFAULT_BITS, publicExponent: 0x10001, ...DER_ENCODINGS });
  else if (def.Type === 'cert-ecdsa') pair = await generate('ec', { namedCurve: ECDSA_SIZES[def.Size]!, ...DER_ENCODINGS });
  else pair = await generate('ed25519', DER_ENCODINGS);
  return { spki: new Uint8Array(pair.publicKey), pkcs8: new Uint8Array(pair.privateKey) };
}
