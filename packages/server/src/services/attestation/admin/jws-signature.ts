/**
 * JWS signature checks over the compact serialization's signing input, for the JOSE algorithms
 * policy tokens and bearer JWTs use. The key type must fit the algorithm, so an RSA key can never
 * verify an ES256 token or the other way round.
 */
import { constants, verify, type KeyObject } from 'node:crypto';

interface AlgSpec {
  hash: string | null;
  keyTypes: readonly string[];
  curve?: string;
  pss?: boolean;
}

const ALGS: Readonly<Record<string, AlgSpec>> = {
  RS256: { hash: 'sha256', keyTypes: ['rsa'] },
  RS384: { hash: 'sha384', keyTypes: ['rsa'] },
  RS512: { hash: 'sha512', keyTypes: ['rsa'] },
  PS256: { hash: 'sha256', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  PS384: { hash: 'sha384', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  PS512: { hash: 'sha512', keyTypes: ['rsa', 'rsa-pss'], pss: true },
  ES256: { hash: 'sha256', keyTypes: ['ec'], curve: 'prime256v1' },
  ES384: { hash: 'sha384', keyTypes: ['ec'], curve: 'secp384r1' },
  ES512: { hash: 'sha512', keyTypes: ['ec'], curve: 'secp521r1' },
  EdDSA: { hash: null, keyTypes: ['ed25519', 'ed448'] },
};

/** The JWS algorithms accepted (never `none`, never HMAC: a public key must not act as a shared secret). */
export const JWS_ALGORITHMS: readonly string[] = Object.keys(ALGS);

/** Whether `key` may verify `alg`. */
export function keyFitsAlgorithm(alg: string, key: KeyObject): boolean {
  const spec = ALGS[alg];
  if (!spec || key.type !== 'public' || !spec.keyTypes.includes(key.asymmetricKeyType ?? '')) return false;
  return spec.curve === undefined || key.asymmetricKeyDetails?.namedCurve === spec.curve;
}

/** Verifies `signature` over `signingInput` (ASCII `header.payload`); false for an unknown algorithm or a key that does not fit it. */
export async function verifyJwsSignature(alg: string, key: KeyObject, signingInput: string, signature: Uint8Array): Promise<boolean> {
  const spec = ALGS[alg];
  if (!spec || !keyFitsAlgorithm(alg, key)) return false;
  const keyInput = spec.pss
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : spec.keyTypes.includes('ec')
      ? { key, dsaEncoding: 'ieee-p1363' as const }
      : key;
  // The callback form runs the check on libuv's pool instead of the event loop.
  return new Promise<boolean>((resolve) => {
    verify(spec.hash, Buffer.from(signingInput, 'ascii'), keyInput, signature, (err, ok) => resolve(!err && ok));
  });
}
