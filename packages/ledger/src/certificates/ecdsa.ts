/** ECDSA checks by a certificate's key with WebCrypto: DER signatures, as X.509 and CCF carry them. */
import { toArrayBuffer } from '@confide/core';
import { ecdsaDerToRaw } from '@confide/evidence';
import type { CcfCertificate } from './ccf-certificate.js';

/** WebCrypto's key for a certificate, imported once per certificate object. */
const KEYS = new WeakMap<CcfCertificate, Promise<CryptoKey>>();

function keyOf(cert: CcfCertificate): Promise<CryptoKey> {
  let key = KEYS.get(cert);
  if (!key) {
    key = crypto.subtle.importKey('spki', toArrayBuffer(cert.spki), { name: 'ECDSA', namedCurve: cert.namedCurve }, false, ['verify']);
    KEYS.set(cert, key);
  }
  return key;
}

/**
 * True when `signature` (DER ECDSA-Sig-Value) by `signer`'s key verifies over `data` hashed with
 * `hash`; false for a signature that does not decode, bytes after its SEQUENCE included (a
 * receipt with a byte appended must not verify).
 */
export async function verifyEcdsa(signer: CcfCertificate, hash: 'SHA-256' | 'SHA-384', signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  let raw: Uint8Array;
  try {
    raw = ecdsaDerToRaw(signature, signer.scalarBytes, 'ERR_EVIDENCE_SIGNATURE_INVALID');
  } catch {
    return false;
  }
  return crypto.subtle.verify({ name: 'ECDSA', hash }, await keyOf(signer), toArrayBuffer(raw), toArrayBuffer(data));
}
