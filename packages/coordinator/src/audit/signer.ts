/**
 * The coordinator's audit key: ECDSA P-256. The private key belongs in the sealed state; the
 * public key is what relying parties pin to verify an exported log.
 *
 * Signed with node:crypto's synchronous `sign` on the calling thread (about 30 µs), not through
 * WebCrypto, whose job goes to libuv's pool: the entry is signed inside the transaction's turn at
 * the audit chain (the head it extends is known only then), and on a busy coordinator the pool
 * holds intermediate-CA signatures of 0.64 ms each, behind which that job waited while every
 * other change waited for the turn (docs/benchmarks.md, "Storage engines", stop 28).
 */
import { createPrivateKey, sign, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import { fromBase64, toBase64Url } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { freshP256, p256PointOf } from '../pki/ec-key-der.js';

export interface AuditSigner {
  /** ECDSA P-256 / SHA-256 signature over `data`, IEEE P1363 (r || s). */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Public JWK (kty EC, crv P-256, x, y). */
  readonly publicKeyJwk: JsonWebKey;
}

/**
 * A fresh audit key pair as JWKs (the fields WebCrypto's export gives); the private one carries d.
 * Written from the raw key, not exported: the Node 20 deadlock in pki/ec-key-der.ts.
 */
export async function generateAuditKeyPair(): Promise<{ privateKeyJwk: JsonWebKey; publicKeyJwk: JsonWebKey }> {
  const { d, point } = freshP256();
  const coordinates = { kty: 'EC', x: toBase64Url(point.subarray(1, 33)), y: toBase64Url(point.subarray(33)), crv: 'P-256' };
  return {
    privateKeyJwk: { key_ops: ['sign'], ext: true, ...coordinates, d: toBase64Url(d) },
    publicKeyJwk: { key_ops: ['verify'], ext: true, ...coordinates },
  };
}

/** A signer over a private P-256 JWK. Throws ERR_CONFIG_INVALID when the JWK is not one. */
export async function createAuditSigner(privateKeyJwk: JsonWebKey): Promise<AuditSigner> {
  if (privateKeyJwk.kty !== 'EC' || privateKeyJwk.crv !== 'P-256' || typeof privateKeyJwk.d !== 'string') {
    throw new CoordinatorError('ERR_CONFIG_INVALID', 'the audit key must be a private EC P-256 JWK');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyJwk as NodeJwk, format: 'jwk' });
  } catch (err) {
    throw new CoordinatorError('ERR_CONFIG_INVALID', 'the audit key JWK cannot be imported', { cause: err });
  }
  // node:crypto keeps x and y as given (WebCrypto's import refused a pair that is not d's point),
  // and signs with d: the public key relying parties pin must be the one that verifies it.
  const point = p256PointOf(fromBase64(privateKeyJwk.d));
  if (toBase64Url(point.subarray(1, 33)) !== privateKeyJwk.x || toBase64Url(point.subarray(33)) !== privateKeyJwk.y) {
    throw new CoordinatorError('ERR_CONFIG_INVALID', "the audit key JWK's x and y are not the point of its d");
  }
  const publicKeyJwk: JsonWebKey = { kty: 'EC', crv: 'P-256', x: privateKeyJwk.x, y: privateKeyJwk.y };
  return {
    publicKeyJwk,
    async sign(data) {
      return new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
    },
  };
}
