/** Marble leaf certificates under the coordinator intermediate. */
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { ConfideError } from '@confide/core';
import { x509 } from './x509.js';
import { pemEncode } from './pem.js';
import { randomSerial } from './serial.js';
import { caSigningKey } from './keys.js';
import { CA_SIGNING_ALGORITHM, MARBLE_KEY_ALGORITHM, NO_EXPIRY } from './constants.js';
import type { CoordinatorPki } from './types.js';

/** A marble's key pair: the CryptoKeys and their DER encodings. */
export interface MarbleKeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  /** SubjectPublicKeyInfo DER (`.MarbleRun.MarbleCert.Public`). */
  publicKeySpki: Uint8Array;
  /** PKCS#8 DER (`.MarbleRun.MarbleCert.Private`). */
  privateKeyPkcs8: Uint8Array;
}

/** An issued marble certificate. */
export interface IssuedMarbleCertificate {
  /** DER of the leaf. */
  cert: Uint8Array;
  /** PEM of the leaf. */
  certPem: string;
  /** PEM of the leaf followed by the intermediate that issued it. */
  chainPem: string;
}

export interface MarbleCertificateRequest {
  /** The marble's UUID; becomes the subject CN. */
  uuid: string;
  /** Requested DNS names or IP literals; localhost and 127.0.0.1 are always added. */
  dnsNames?: readonly string[];
  /** The key to certify: a CryptoKey or SubjectPublicKeyInfo DER. */
  publicKey: CryptoKey | Uint8Array;
  now: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_NAME = /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

/** A fresh P-256 key pair for a marble certificate. */
export async function generateMarbleKeyPair(): Promise<MarbleKeyPair> {
  const keys = (await webcrypto.subtle.generateKey(MARBLE_KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const [spki, pkcs8] = await Promise.all([
    webcrypto.subtle.exportKey('spki', keys.publicKey),
    webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
  ]);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, publicKeySpki: new Uint8Array(spki), privateKeyPkcs8: new Uint8Array(pkcs8) };
}

/** SAN entries: the requested names in order, then localhost and 127.0.0.1 unless already there. Throws ERR_VALIDATION. */
function sanEntries(requested: readonly string[]): x509.JsonGeneralName[] {
  const out = new Map<string, x509.JsonGeneralName>();
  for (const name of [...requested, 'localhost', '127.0.0.1']) {
    const ip = isIP(name) !== 0;
    if (!ip && (name.length > 253 || !DNS_NAME.test(name))) {
      throw new ConfideError('ERR_VALIDATION', `not a DNS name or IP address: ${JSON.stringify(name)}`, { details: { dnsName: name } });
    }
    const entry: x509.JsonGeneralName = { type: ip ? 'ip' : 'dns', value: ip ? name : name.toLowerCase() };
    out.set(`${entry.type}:${entry.value}`, entry);
  }
  return [...out.values()];
}

async function issueLeaf(pki: CoordinatorPki, uuid: string, names: readonly string[], publicKey: CryptoKey | Uint8Array, now: Date): Promise<IssuedMarbleCertificate> {
  if (!UUID.test(uuid)) throw new ConfideError('ERR_VALIDATION', 'the marble UUID is not a UUID', { details: { uuid } });
  const intermediate = new x509.X509Certificate(pki.intermediateCert);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: new x509.Name([{ '2.5.4.3': [{ printableString: uuid.toLowerCase() }] }]),
    issuer: intermediate.subjectName,
    notBefore: new Date(Math.floor(now.getTime() / 1000) * 1000),
    notAfter: NO_EXPIRY,
    publicKey: publicKey as x509.PublicKeyType,
    signingKey: await caSigningKey(pki.intermediateKey),
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(sanEntries(names)),
      await x509.AuthorityKeyIdentifierExtension.create(intermediate.publicKey),
    ],
  });
  const cert = new Uint8Array(leaf.rawData);
  const certPem = pemEncode('CERTIFICATE', cert);
  return { cert, certPem, chainPem: certPem + pki.intermediateCert };
}

/**
 * Issues a marble certificate under the intermediate: CN=uuid, SANs dnsNames + localhost +
 * 127.0.0.1, EKU serverAuth + clientAuth, no expiry (as MarbleRun). Throws ERR_VALIDATION.
 */
export function issueMarbleCertificate(pki: CoordinatorPki, request: MarbleCertificateRequest): Promise<IssuedMarbleCertificate> {
  return issueLeaf(pki, request.uuid, request.dnsNames ?? [], request.publicKey, request.now);
}

/**
 * Issues a marble certificate for the key in a PKCS#10 CSR (MarbleRun's flow): the CSR's
 * signature must verify; its subject is replaced by CN=uuid; its DNS and IP SANs are kept and
 * `dnsNames` added. Throws ERR_VALIDATION.
 */
export async function issueFromCsr(
  pki: CoordinatorPki,
  csrPem: string,
  options: { uuid: string; dnsNames?: readonly string[]; now: Date },
): Promise<IssuedMarbleCertificate> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (cause) {
    throw new ConfideError('ERR_VALIDATION', 'the CSR cannot be parsed', { cause });
  }
  let valid = false;
  try {
    valid = await csr.verify();
  } catch (cause) {
    throw new ConfideError('ERR_VALIDATION', 'the CSR key or signature algorithm is not supported', { cause });
  }
  if (!valid) throw new ConfideError('ERR_VALIDATION', 'the CSR signature does not verify');
  const names: string[] = [];
  const san = csr.getExtension('2.5.29.17');
  if (san) {
    for (const n of new x509.SubjectAlternativeNameExtension(san.rawData).names.toJSON()) {
      if (n.type === 'dns' || n.type === 'ip') names.push(n.value);
    }
  }
  return issueLeaf(pki, options.uuid, [...names, ...(options.dnsNames ?? [])], new Uint8Array(csr.publicKey.rawData), options.now);
}
