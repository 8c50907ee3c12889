/**
 * Checks a TPMT_SIGNATURE over the exact signed bytes with the attestation key: an RSA signature
 * with the runtime's own RSA verification where the caller brings one (VerifyCrypto.verifyRsa),
 * else on WebCrypto, each key imported once per scheme and hash (cached by its bytes in the
 * verification cache).
 */
import { EvidenceError } from '../errors.js';
import { importKeyCached } from '../webcrypto/key-cache.js';
import type { VerifyCache } from '../memo/verify-cache.js';
import type { RsaVerifyParams, VerifyCrypto } from '../types.js';
import { keyBytes, keyJwk, type TpmPublicKey } from './public-key.js';
import type { TpmSignature } from './signature.js';

type Params = RsaHashedImportParams | EcKeyImportParams;

function importParams(key: TpmPublicKey, sig: TpmSignature): Params {
  if (sig.scheme === 'ecdsa') {
    if (key.kind !== 'ec') throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', 'an ECDSA signature cannot come from an RSA attestation key');
    return { name: 'ECDSA', namedCurve: key.curve };
  }
  if (key.kind !== 'rsa') throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `an ${sig.scheme.toUpperCase()} signature cannot come from an EC attestation key`);
  return { name: sig.scheme === 'rsassa' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS', hash: sig.hash.webcrypto };
}

function ecdsaRaw(sig: Extract<TpmSignature, { scheme: 'ecdsa' }>, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size * 2);
  for (const [i, v] of [sig.r, sig.s].entries()) {
    let b = v;
    while (b.length > size && b[0] === 0) b = b.subarray(1);
    if (b.length > size) return undefined;
    out.set(b, i * size + size - b.length);
  }
  return out;
}

/**
 * The salt lengths a TPM's RSA-PSS signature may use. TPMs salt with the digest size; TPMs before
 * library 1.38 may salt with the largest size the modulus allows (Part 1, B.7 "RSASSA-PSS").
 * Both are sound PSS signatures under the key.
 */
function pssSaltLengths(bits: number, hashSize: number): number[] {
  const modulusBytes = Math.ceil((bits - 1) / 8);
  return [hashSize, modulusBytes - hashSize - 2].filter((salt) => salt >= 0);
}

/** The RSA schemes to try in turn: one for RSASSA, one per salt length for RSA-PSS. */
function rsaSchemes(key: Extract<TpmPublicKey, { kind: 'rsa' }>, sig: Extract<TpmSignature, { scheme: 'rsassa' | 'rsapss' }>): RsaVerifyParams[] {
  const hash = sig.hash.webcrypto;
  if (sig.scheme === 'rsassa') return [{ name: 'RSASSA-PKCS1-v1_5', hash }];
  return pssSaltLengths(key.bits, sig.hash.size).map((saltLength) => ({ name: 'RSA-PSS', hash, saltLength }));
}

/**
 * True when `sig` over `data` verifies under `key`; false when it does not. Throws
 * ERR_EVIDENCE_SIGNATURE_INVALID when the scheme does not fit the key type, and when WebCrypto
 * refuses the key (a modulus or point it cannot use). `primitives.verifyRsa`, when given, checks
 * RSA signatures in place of WebCrypto.
 */
export async function verifyTpmSignature(key: TpmPublicKey, sig: TpmSignature, data: Uint8Array, cache: VerifyCache, primitives?: VerifyCrypto): Promise<boolean> {
  const params = importParams(key, sig);
  // RFC 8017 (8.1.2 and 8.2.2, step 1): an RSA signature is exactly as long as the modulus. WebCrypto
  // on Node reads a PSS signature cut of a leading zero byte as the same number and accepts it.
  if (key.kind === 'rsa' && sig.scheme !== 'ecdsa' && sig.signature.length !== key.n.length) return false;
  const verifyRsa = primitives?.verifyRsa;
  if (verifyRsa && key.kind === 'rsa' && sig.scheme !== 'ecdsa') {
    for (const scheme of rsaSchemes(key, sig)) if (await verifyRsa(key, scheme, sig.signature, data)) return true;
    return false;
  }
  let imported: CryptoKey;
  try {
    imported = await importKeyCached(cache, `tpm-${params.name}-${sig.hash.bank}`, keyBytes(key), () => crypto.subtle.importKey('jwk', keyJwk(key), params, false, ['verify']));
  } catch (err) {
    throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `the attestation key cannot be used for ${sig.scheme.toUpperCase()} (${(err as Error).message})`);
  }
  try {
    return await check(imported, key, sig, data as Uint8Array<ArrayBuffer>);
  } catch {
    return false; // a signature WebCrypto cannot even read (wrong length) does not verify
  }
}

async function check(imported: CryptoKey, key: TpmPublicKey, sig: TpmSignature, signed: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (sig.scheme === 'ecdsa') {
    const raw = ecdsaRaw(sig, key.kind === 'ec' ? Math.ceil(key.bits / 8) : 0);
    return raw !== undefined && crypto.subtle.verify({ name: 'ECDSA', hash: sig.hash.webcrypto }, imported, raw as Uint8Array<ArrayBuffer>, signed);
  }
  if (key.kind !== 'rsa') return false;
  for (const scheme of rsaSchemes(key, sig)) {
    if (await crypto.subtle.verify(scheme, imported, sig.signature as Uint8Array<ArrayBuffer>, signed)) return true;
  }
  return false;
}
