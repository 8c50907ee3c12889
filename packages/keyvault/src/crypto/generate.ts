/** New key material: RSA 2048/3072/4096, EC P-256/384/521, AES 128/192/256 (oct). */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Curve } from '../model/key-types.js';
import type { PrivateJwk } from '../model/key-version.js';

const generate = promisify(generateKeyPair);

/** What to generate, already validated against the supported sizes and curves. */
export type KeySpec = { family: 'RSA'; size: number; publicExponent: number } | { family: 'EC'; curve: Curve } | { family: 'oct'; size: number };

const NODE_CURVES: Record<Curve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** Generates key material off the event loop (RSA-4096 takes long). */
export async function generateKeyMaterial(spec: KeySpec): Promise<PrivateJwk> {
  switch (spec.family) {
    case 'RSA': {
      const { privateKey } = await generate('rsa', { modulusLength: spec.size, publicExponent: spec.publicExponent });
      return privateKey.export({ format: 'jwk' }) as PrivateJwk;
    }
    case 'EC': {
      const { privateKey } = await generate('ec', { namedCurve: NODE_CURVES[spec.curve] });
      return privateKey.export({ format: 'jwk' }) as PrivateJwk;
    }
    case 'oct':
      return { kty: 'oct', k: randomBytes(spec.size / 8).toString('base64url') };
  }
}
