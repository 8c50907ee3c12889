/**
 * A fresh EC key pair's DER encodings (SubjectPublicKeyInfo, RFC 5480; PKCS #8 around
 * ECPrivateKey, RFC 5915), for P-256 written here from the raw key. OpenSSL 3.0 writes them through its
 * encoder framework, whose setup alone (OSSL_ENCODER_CTX_new_for_pkey, on the event loop when
 * generateKeyPair is asked for DER) took about 130 µs of each activation's main-thread time;
 * writing them here takes a few. The bytes are OpenSSL's: PKCS #8 carries the curve in its
 * AlgorithmIdentifier, so the inner ECPrivateKey has no parameters, and it keeps the public key
 * ([1]); pki tests compare both encodings with OpenSSL's for many keys.
 */
import { createECDH, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { isAllZero } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { DER, tlv } from './der.js';

/** The curves marble keys use, with the OID of each (RFC 5480 2.1.1.1) and its size in bytes. */
const CURVES = {
  'P-256': { oid: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07), size: 32 },
  'P-384': { oid: Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x22), size: 48 },
} as const;
export type MarbleCurve = keyof typeof CURVES;

/** id-ecPublicKey, 1.2.840.10045.2.1. */
const EC_PUBLIC_KEY = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
const CONTEXT_1 = 0xa1;

const generate = promisify(generateKeyPair);

/** SPKI and PKCS #8 DER of the private key `d` (big-endian, at most the curve's size) with public point `point` (uncompressed, 0x04 ‖ x ‖ y). */
export function ecKeyDer(curve: MarbleCurve, d: Uint8Array, point: Uint8Array): { publicKeySpki: Uint8Array; privateKeyPkcs8: Uint8Array } {
  const { oid, size } = CURVES[curve];
  if (d.length > size || isAllZero(d) || point.length !== 1 + 2 * size || point[0] !== 0x04) throw new CoordinatorError('ERR_INTERNAL', `not a ${curve} key`);
  // ECPrivateKey's privateKey is the scalar at the curve's full length (RFC 5915 3).
  const scalar = new Uint8Array(size);
  scalar.set(d, size - d.length);
  const algorithm = tlv(DER.SEQUENCE, tlv(DER.OID, EC_PUBLIC_KEY), tlv(DER.OID, oid));
  const publicKey = tlv(DER.BIT_STRING, Uint8Array.of(0), point);
  const ecPrivateKey = tlv(DER.SEQUENCE, tlv(DER.INTEGER, Uint8Array.of(1)), tlv(DER.OCTET_STRING, scalar), tlv(CONTEXT_1, publicKey));
  return {
    publicKeySpki: tlv(DER.SEQUENCE, algorithm, publicKey),
    privateKeyPkcs8: tlv(DER.SEQUENCE, tlv(DER.INTEGER, Uint8Array.of(0)), algorithm, tlv(DER.OCTET_STRING, ecPrivateKey)),
  };
}

/** A fresh P-256 key from ECDH on this thread (about 30 µs): the private scalar at its full 32 bytes and the uncompressed point. */
export function freshP256(): { d: Uint8Array; point: Uint8Array } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  // ECDH hands the scalar out without its leading zero bytes.
  const raw = ecdh.getPrivateKey();
  const d = new Uint8Array(CURVES['P-256'].size);
  d.set(raw, d.length - raw.length);
  return { d, point: new Uint8Array(ecdh.getPublicKey()) };
}

/** The uncompressed P-256 point (0x04 ‖ x ‖ y) of scalar `d`. Throws for a scalar that is not one of the curve's. */
export function p256PointOf(d: Uint8Array): Uint8Array {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  return new Uint8Array(ecdh.getPublicKey());
}

/**
 * A fresh key pair on `curve`, only as DER. P-256 is made on this thread through ECDH's key
 * generation (about 30 µs, where a pool job with OpenSSL's encoders cost 180 µs of this thread)
 * and encoded here. P-384 (about 640 µs) is made and encoded on libuv's pool by OpenSSL.
 *
 * Never the JWK of a generated KeyObject (here, the audit key, certificate secrets, the key
 * vault and test-kit's keys): in Node 20 exporting it can deadlock the event loop when a garbage
 * collection during the export destroys the key's generation job, which takes the key's lock the
 * export holds (seen in this package's tests: KeyGenJob's destructor waiting in ExportJWKEcKey).
 * WebCrypto's generateKey and exportKey('jwk') take the same path; DER exports take no lock.
 */
export async function generateEcKeyDer(curve: MarbleCurve): Promise<{ publicKeySpki: Uint8Array; privateKeyPkcs8: Uint8Array }> {
  if (curve === 'P-256') {
    const { d, point } = freshP256();
    return ecKeyDer(curve, d, point);
  }
  const { publicKey, privateKey } = await generate('ec', {
    namedCurve: curve,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return { publicKeySpki: new Uint8Array(publicKey), privateKeyPkcs8: new Uint8Array(privateKey) };
}
