/**
 * Checks a TPMT_SIGNATURE over the exact signed bytes with the attestation key on WebCrypto.
 * Each key is imported once per scheme and hash (cached by its bytes in the verification cache).
 */
import { EvidenceError } from '../errors.js';
import { importKeyCached } from '../webcrypto/key-cache.js';
import type { VerifyCache } from '../memo/verify-cache.js';
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
 * True when `sig` over `data` verifies under `key`; false when it does not. Throws
 * ERR_EVIDENCE_SIGNATURE_INVALID when the scheme does not fit the key type, and when WebCrypto
 * refuses the key (a modulus or point it cannot use).
 */
export async function verifyTpmSignature(key: TpmPublicKey, sig: TpmSignature, data: Uint8Array, cache: VerifyCache): Promise<boolean> {
  const params = importParams(key, sig);
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
  if (sig.scheme === 'rsassa') return crypto.subtle.verify('RSASSA-PKCS1-v1_5', imported, sig.signature as Uint8Array<ArrayBuffer>, signed);
  if (sig.scheme === 'rsapss') {
    // TPMs salt with the digest size; TPMs before library 1.38 may salt with the largest size the
    // modulus allows (Part 1, B.7 "RSASSA-PSS"). Both are sound PSS signatures under the key.
    const modulusBytes = Math.ceil((key.bits - 1) / 8);
    for (const saltLength of [sig.hash.size, modulusBytes - sig.hash.size - 2]) {
      if (saltLength < 0) continue;
      if (await crypto.subtle.verify({ name: 'RSA-PSS', saltLength }, imported, sig.signature as Uint8Array<ArrayBuffer>, signed)) return true;
    }
  }
  return false;
}
