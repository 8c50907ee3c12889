/**
 * One token signing key: an RSA-2048 key pair and a self-signed certificate naming the issuer,
 * as MAA publishes in /certs. The store's signing-keys repository keeps the certificate in clear
 * and the PKCS#8 private key only sealed, bound to the kid, so a blob cannot be swapped between keys.
 */
import { createHash, createPrivateKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { timingSafeEqual, toBase64 } from '@confide/core';
import { ServerError } from '../../../errors/index.js';
import type { SigningKeyRow } from '@confide/store';
import type { Seal } from '../../../seal/index.js';

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Prefix of a signing key's sealing purpose; the kid follows. */
const SIGNING_KEY_PURPOSE_PREFIX = 'maa/signing-keys/';
/** The longest common name X.509 allows (RFC 5280 ub-common-name). */
const CN_MAX = 64;

/** The stored form: public certificate in clear, private key sealed. */
export type StoredSigningKey = SigningKeyRow;

/** A key ready to publish; `privateKey` only once unsealed. */
export interface SigningKey {
  record: StoredSigningKey;
  kid: string;
  createdAt: number;
  retiredAt: number | undefined;
  certificateDer: Uint8Array;
  publicJwk: { kty: 'RSA'; n: string; e: string };
}

/** The purpose a signing key's private half is sealed for. */
export function signingKeyPurpose(kid: string): string {
  return SIGNING_KEY_PURPOSE_PREFIX + kid;
}

/** Whether two rows hold the same key in the same lifecycle state (for caches of parsed keys). */
export function sameSigningKey(a: StoredSigningKey, b: StoredSigningKey): boolean {
  return a.kid === b.kid && a.createdAt === b.createdAt && a.retiredAt === b.retiredAt && a.certificateDer.length === b.certificateDer.length && timingSafeEqual(a.certificateDer, b.certificateDer);
}

/** MAA-style kid: standard base64 of the SHA-256 thumbprint of the certificate DER. */
function kidOf(certificateDer: Uint8Array): string {
  return toBase64(createHash('sha256').update(certificateDer).digest());
}

function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

/** Reads a stored record's public half. Throws ERR_INTERNAL when the record is damaged (not one this code wrote). */
export function publicKeyOf(record: StoredSigningKey): SigningKey {
  try {
    const certificateDer = record.certificateDer;
    if (kidOf(certificateDer) !== record.kid) throw new Error('kid does not match the certificate');
    const jwk = new X509Certificate(certificateDer).publicKey.export({ format: 'jwk' });
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('not an RSA key');
    const createdAt = Date.parse(record.createdAt);
    const retiredAt = record.retiredAt === null ? undefined : Date.parse(record.retiredAt);
    if (Number.isNaN(createdAt) || Number.isNaN(retiredAt)) throw new Error('bad timestamps');
    return { record, kid: record.kid, createdAt, retiredAt, certificateDer, publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e } };
  } catch (err) {
    throw new ServerError('ERR_INTERNAL', `stored signing key ${String(record.kid)} is unreadable: ${(err as Error).message}`, { cause: err });
  }
}

/** Unseals a record's private key. Throws ERR_SEAL_UNSEAL_FAILED. */
export function unsealPrivateKey(record: StoredSigningKey, seal: Seal): KeyObject {
  const der = seal.unseal(record.sealedPrivateKey, signingKeyPurpose(record.kid));
  try {
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

export interface NewSigningKey {
  record: StoredSigningKey;
  privateKey: KeyObject;
}

/** Generates a key pair and its self-signed certificate, valid for `validDays` from `now`. */
export async function generateSigningKey(opts: { issuer: string; now: Date; validDays: number; seal: Seal }): Promise<NewSigningKey> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [opts.issuer.slice(0, CN_MAX)] }],
    // A day of slack so verifiers with a skewed clock accept the certificate from the start.
    notBefore: new Date(opts.now.getTime() - DAY_MS),
    notAfter: new Date(opts.now.getTime() + opts.validDays * DAY_MS),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certificateDer = new Uint8Array(cert.rawData);
  const kid = kidOf(certificateDer);
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const sealed = opts.seal.seal(pkcs8, signingKeyPurpose(kid));
  pkcs8.fill(0);
  return {
    record: { kid, createdAt: opts.now.toISOString(), retiredAt: null, certificateDer, sealedPrivateKey: new Uint8Array(sealed) },
    privateKey,
  };
}
