/**
 * Key material a caller imports: a JWK with its private parts (RSA with the CRT members, EC with
 * `d`, oct with `k`), checked by loading it, so a malformed key is a 400, never a later 500.
 */
import { createPrivateKey } from 'node:crypto';
import { KeyVaultError } from '../errors.js';
import { CURVES, keyFamily, KEY_TYPES, OCT_SIZES, type Curve, type KeyFamily, type KeyType } from '../model/key-types.js';
import type { PrivateJwk } from '../model/key-version.js';

const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function bad(message: string): KeyVaultError {
  return new KeyVaultError('ERR_KEY_BAD_PARAMETER', message);
}

function member(jwk: Record<string, unknown>, name: string): string {
  const v = jwk[name];
  if (typeof v !== 'string' || v.length === 0 || !B64URL.test(v)) throw bad(`key.${name} is missing or not base64url`);
  // Normalize to unpadded base64url, as the vault serves it.
  return Buffer.from(v, 'base64url').toString('base64url');
}

/** The family of an imported JWK's `kty`. Throws ERR_KEY_BAD_PARAMETER. */
export function importedFamily(kty: unknown): { family: KeyFamily; hsm: boolean } {
  if (typeof kty !== 'string' || !(KEY_TYPES as readonly string[]).includes(kty)) throw bad(`key.kty must be one of ${KEY_TYPES.join(', ')}`);
  return { family: keyFamily(kty as KeyType), hsm: kty.endsWith('-HSM') };
}

/** The private JWK of an import request's `key`. Throws ERR_KEY_BAD_PARAMETER. */
export function importJwk(input: unknown): PrivateJwk {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('key must be a JSON Web Key');
  const jwk = input as Record<string, unknown>;
  const { family } = importedFamily(jwk.kty);
  let out: PrivateJwk;
  if (family === 'oct') {
    out = { kty: 'oct', k: member(jwk, 'k') };
    if (!(OCT_SIZES as readonly number[]).includes(Buffer.from(out.k, 'base64url').length * 8)) throw bad(`an oct key is ${OCT_SIZES.join(', ')} bits`);
    return out;
  }
  if (family === 'EC') {
    if (!(CURVES as readonly unknown[]).includes(jwk.crv)) throw bad(`key.crv must be one of ${CURVES.join(', ')}`);
    out = { kty: 'EC', crv: jwk.crv as Curve, x: member(jwk, 'x'), y: member(jwk, 'y'), d: member(jwk, 'd') };
  } else {
    out = { kty: 'RSA', n: member(jwk, 'n'), e: member(jwk, 'e'), d: member(jwk, 'd'), p: member(jwk, 'p'), q: member(jwk, 'q'), dp: member(jwk, 'dp'), dq: member(jwk, 'dq'), qi: member(jwk, 'qi') };
  }
  try {
    const key = createPrivateKey({ key: out, format: 'jwk' });
    if (family === 'RSA' && ![2048, 3072, 4096].includes(key.asymmetricKeyDetails?.modulusLength ?? 0)) throw bad('an RSA key is 2048, 3072 or 4096 bits');
    // The public members must be those of the private key, or verify would lie about signatures.
    const pub = key.export({ format: 'jwk' }) as Record<string, string>;
    const same = family === 'RSA' ? pub.n === (out as { n: string }).n && pub.e === (out as { e: string }).e : pub.x === (out as { x: string }).x && pub.y === (out as { y: string }).y;
    if (!same) throw bad('the public members of key do not match its private key');
  } catch (err) {
    if (err instanceof KeyVaultError) throw err;
    throw bad(`key is not a valid ${family} private key`);
  }
  return out;
}
