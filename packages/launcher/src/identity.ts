/**
 * The launcher's TLS identity for activation: a fresh P-256 key and a self-signed certificate
 * `CN=<uuid>`, and the report data that binds TEE evidence to that key
 * (docs/activation.md, step 1): SHA-256 of the SubjectPublicKeyInfo DER, then 32 zero bytes.
 */
import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { pemEncode } from '@confide/core';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const HOUR = 60 * 60 * 1000;
/** SGX, SEV-SNP and TDX report data, and configfs-tsm's inblob, are all 64 bytes. */
const REPORT_DATA_BYTES = 64;

export interface ActivationIdentity {
  /** PEM certificate, the TLS client certificate. */
  certPem: string;
  /** PEM PKCS#8 private key. */
  keyPem: string;
  /** SubjectPublicKeyInfo DER of the key. */
  spki: Uint8Array;
  /** SHA-256(spki) || 32 zero bytes. */
  reportData: Uint8Array;
}

/** The 64-byte report data that binds evidence to a public key (SPKI DER). */
export function bindingReportData(spki: Uint8Array): Uint8Array {
  const out = new Uint8Array(REPORT_DATA_BYTES);
  out.set(createHash('sha256').update(spki).digest(), 0);
  return out;
}

/** Makes a fresh key and a self-signed certificate for `uuid`, valid from an hour ago for a day. */
export async function createActivationIdentity(uuid: string, now = new Date()): Promise<ActivationIdentity> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  serial[0]! &= 0x7f; // a positive INTEGER
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(serial).toString('hex'),
    name: `CN=${uuid}`,
    notBefore: new Date(now.getTime() - HOUR),
    notAfter: new Date(now.getTime() + 24 * HOUR),
    keys,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const keyPem = pemEncode('PRIVATE KEY', new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)));
  return { certPem: cert.toString('pem'), keyPem, spki, reportData: bindingReportData(spki) };
}
