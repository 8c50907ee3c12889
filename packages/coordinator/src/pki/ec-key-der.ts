/**
 * A fresh EC key pair's DER encodings (SubjectPublicKeyInfo, RFC 5480; PKCS #8 around
 * ECPrivateKey, RFC 5915), written here from the key's JWK. OpenSSL 3.0 writes them through its
 * encoder framework, whose setup alone (OSSL_ENCODER_CTX_new_for_pkey, on the event loop when
 * generateKeyPair is asked for DER) took about 130 µs of each activation's main-thread time;
 * exporting the JWK takes a few. The bytes are OpenSSL's: PKCS #8 carries the curve in its
 * AlgorithmIdentifier, so the inner ECPrivateKey has no parameters, and it keeps the public key
 * ([1]); pki tests compare both encodings with OpenSSL's for many keys.
 */
import { generateKeyPair, type JsonWebKey as NodeJwk } from 'node:crypto';
import { promisify } from 'node:util';
import { Buffer } from 'node:buffer';
import { concatBytes } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { DER, tlv } from './der.js';

/** The two curves marble keys use, with the OID of each (RFC 5480 2.1.1.1) and its size in bytes. */
const CURVES = {
  'P-256': { oid: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07), size: 32 },
  'P-384': { oid: Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x22), size: 48 },
} as const;
export type MarbleCurve = keyof typeof CURVES;

/** id-ecPublicKey, 1.2.840.10045.2.1. */
const EC_PUBLIC_KEY = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
const CONTEXT_1 = 0xa1;

const generate = promisify(generateKeyPair);

/** One coordinate or the private scalar, exactly `size` bytes as JWK (RFC 7518 6.2.1.2, 6.2.2.1) requires. */
function component(jwk: NodeJwk, name: 'x' | 'y' | 'd', size: number): Uint8Array {
  const value = jwk[name];
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64url') : undefined;
  if (bytes?.length !== size) throw new CoordinatorError('ERR_INTERNAL', `the generated key's JWK ${name} is not ${size} bytes`);
  return bytes;
}

/** SPKI and PKCS #8 DER of the private EC JWK `jwk` on `curve`. */
export function ecKeyDer(curve: MarbleCurve, jwk: NodeJwk): { publicKeySpki: Uint8Array; privateKeyPkcs8: Uint8Array } {
  const { oid, size } = CURVES[curve];
  if (jwk.kty !== 'EC' || jwk.crv !== curve) throw new CoordinatorError('ERR_INTERNAL', `expected an EC ${curve} JWK`);
  const point = concatBytes(Uint8Array.of(0x04), component(jwk, 'x', size), component(jwk, 'y', size));
  const algorithm = tlv(DER.SEQUENCE, tlv(DER.OID, EC_PUBLIC_KEY), tlv(DER.OID, oid));
  const publicKey = tlv(DER.BIT_STRING, Uint8Array.of(0), point);
  const ecPrivateKey = tlv(DER.SEQUENCE, tlv(DER.INTEGER, Uint8Array.of(1)), tlv(DER.OCTET_STRING, component(jwk, 'd', size)), tlv(CONTEXT_1, publicKey));
  return {
    publicKeySpki: tlv(DER.SEQUENCE, algorithm, publicKey),
    privateKeyPkcs8: tlv(DER.SEQUENCE, tlv(DER.INTEGER, Uint8Array.of(0)), algorithm, tlv(DER.OCTET_STRING, ecPrivateKey)),
  };
}

/** A fresh key pair on `curve` (generated on libuv's pool), only as DER. */
export async function generateEcKeyDer(curve: MarbleCurve): Promise<{ publicKeySpki: Uint8Array; privateKeyPkcs8: Uint8Array }> {
  const { privateKey } = await generate('ec', { namedCurve: curve });
  return ecKeyDer(curve, privateKey.export({ format: 'jwk' }));
}
