/**
 * Simulation public keys: identified by the SHA-256 of their SPKI DER (the key ID written into
 * every piece of simulated evidence), imported once and cached by their SPKI bytes.
 */
import { digest, pemDecode, pemEncode, toHex, type ConfideError } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { defaultVerifyCache, type VerifyCache } from '../memo/verify-cache.js';
import { importKeyCached } from '../webcrypto/key-cache.js';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A trusted simulation key ready to verify with. */
export interface SimTrustedKey {
  /** SHA-256 of the SPKI DER. */
  id: Uint8Array;
  key: CryptoKey;
}


function notAKey(why: string): ConfideError {
  return new EvidenceError('ERR_USAGE', `a simulation key is not an ECDSA P-256 public key (${why})`);
}

function fromSpki(spki: Uint8Array, cache: VerifyCache): Promise<SimTrustedKey> {
  return importKeyCached(cache, 'sim', spki, async () => {
    const copy = spki.slice();
    let key: CryptoKey;
    try {
      key = await crypto.subtle.importKey('spki', copy, P256, true, ['verify']);
    } catch (err) {
      throw notAKey((err as Error).message);
    }
    return { id: await digest('SHA-256', copy), key };
  });
}

/** The SPKI DER of a public CryptoKey. Throws ERR_USAGE for anything but an ECDSA P-256 public key. */
async function simKeySpki(key: CryptoKey): Promise<Uint8Array> {
  const alg = key.algorithm as EcKeyAlgorithm;
  if (key.type !== 'public' || alg.name !== 'ECDSA' || alg.namedCurve !== 'P-256') {
    throw notAKey(`${key.type} ${alg.name} ${alg.namedCurve ?? ''}`.trim());
  }
  return new Uint8Array(await crypto.subtle.exportKey('spki', key));
}

/** Resolves a public key (CryptoKey or SPKI DER) to its key ID and a verify key. Throws ERR_USAGE. */
export function trustedSimKey(key: CryptoKey | Uint8Array, cache: VerifyCache = defaultVerifyCache): Promise<SimTrustedKey> {
  if (key instanceof Uint8Array) return fromSpki(key, cache);
  return cache.derived(key, 'sim', () => simKeySpki(key).then((spki) => fromSpki(spki, cache)));
}

/** Key ID (lower-case hex SHA-256 of the SPKI DER) of a public key. Throws ERR_USAGE. */
export async function simKeyId(key: CryptoKey | Uint8Array): Promise<string> {
  return toHex((await trustedSimKey(key)).id);
}

/** SPKI DER from a "PUBLIC KEY" PEM (the first one in `pem`). Throws ERR_INPUT_UNREADABLE. */
export function simPublicKeyFromPem(pem: string): Uint8Array {
  const spki = pemDecode(pem, 'PUBLIC KEY');
  if (!spki) throw new EvidenceError('ERR_INPUT_UNREADABLE', 'not a PEM public key (-----BEGIN PUBLIC KEY-----)');
  return spki;
}

/** A "PUBLIC KEY" PEM for SPKI DER, lines of 64 characters. */
export function simPublicKeyToPem(spki: Uint8Array): string {
  return pemEncode('PUBLIC KEY', spki);
}
