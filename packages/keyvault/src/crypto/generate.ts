/** New key material: RSA 2048/3072/4096, EC P-256/384/521, AES 128/192/256 (oct). */
import { createPrivateKey, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Curve } from '../model/key-types.js';
import type { PrivateJwk } from '../model/key-version.js';

/** A key pair as DER straight out of the generation job. */
const generateDer = promisify(generateKeyPair) as (type: string, options: object) => Promise<{ publicKey: Buffer; privateKey: Buffer }>;
const DER_ENCODINGS = { privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } } as const;

/** What to generate, already validated against the supported sizes and curves. */
export type KeySpec = { family: 'RSA'; size: number; publicExponent: number } | { family: 'EC'; curve: Curve } | { family: 'oct'; size: number };

const NODE_CURVES: Record<Curve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/**
 * The JWK of generated PKCS #8, through a key of its own, never the generated KeyObject's: in
 * Node 20 that export can deadlock the event loop (packages/coordinator/src/pki/ec-key-der.ts).
 */
function jwkOfPkcs8(pkcs8: Buffer): PrivateJwk {
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }) as PrivateJwk;
}

/** Generates key material off the event loop (RSA-4096 takes long). */
export async function generateKeyMaterial(spec: KeySpec): Promise<PrivateJwk> {
  switch (spec.family) {
    case 'RSA':
      return jwkOfPkcs8((await generateDer('rsa', { modulusLength: spec.size, publicExponent: spec.publicExponent, ...DER_ENCODINGS })).privateKey);
    case 'EC':
      return jwkOfPkcs8((await generateDer('ec', { namedCurve: NODE_CURVES[spec.curve], ...DER_ENCODINGS })).privateKey);
    case 'oct':
      return { kty: 'oct', k: randomBytes(spec.size / 8).toString('base64url') };
  }
}
