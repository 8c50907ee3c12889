/**
 * Compact JWS encoding of MAA tokens: RS256 on node:crypto, or unsecured (`alg:"none"`).
 *
 * Signing is the one JOSE step done without jose, on purpose: it encodes our own payload under our
 * own key, and jose's RS256 path (its base64url and header round trip, then WebCrypto's sign)
 * cost each attest request ~30-60 µs more on the event loop than this. Everything that reads a
 * JWS someone else made (bearer JWTs, policy JWS) stays with jose, and the token tests check
 * these bytes against jose's CompactSign and compactVerify.
 */
import { sign, type KeyObject } from 'node:crypto';

/** RS256 keys must be RSA private keys of at least this size (RFC 7518 §3.3, as jose enforces). */
const MIN_RSA_BITS = 2048;
const checkedKeys = new WeakSet<KeyObject>();

function part(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function assertRs256Key(key: KeyObject): void {
  if (checkedKeys.has(key)) return;
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw new TypeError(`RS256 needs an RSA private key of at least ${MIN_RSA_BITS} bits`);
  }
  checkedKeys.add(key);
}

/** `header.payload.signature` signed with RSASSA-PKCS1-v1_5 SHA-256 (RS256); TypeError for a key that is not an RSA-2048+ private key. */
export function signRs256(header: { alg: 'RS256' } & Record<string, unknown>, payload: object, key: KeyObject): Promise<string> {
  return signRs256Encoded(encodeRs256Header(header), payload, key);
}

/** A header's compact form, for a caller that signs many payloads under one header (signRs256Encoded). */
export function encodeRs256Header(header: { alg: 'RS256' } & Record<string, unknown>): string {
  return part(header);
}

/** signRs256 under a header already encoded by encodeRs256Header. */
export function signRs256Encoded(encodedHeader: string, payload: object, key: KeyObject): Promise<string> {
  assertRs256Key(key);
  const input = `${encodedHeader}.${part(payload)}`;
  // The callback form runs the RSA operation on libuv's pool, off the event loop; PKCS#1 v1.5 is
  // node's padding for RSA keys.
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input, 'ascii'), key, (err, signature) => (err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`)));
  });
}

/** An unsecured JWT: `header.payload.` with an empty signature part. */
export function encodeUnsecured(header: object, payload: object): string {
  return `${part(header)}.${part(payload)}.`;
}
