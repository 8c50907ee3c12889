/** Marble leaf certificates under the coordinator intermediate. */
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { CoordinatorError } from '../errors.js';
import * as x509 from '@peculiar/x509';
import { MARBLE_KEY_ALGORITHM, NO_EXPIRY } from './constants.js';
import { ascii, DER, tlv } from './der.js';
import { generateEcKeyDer, type MarbleCurve } from './ec-key-der.js';
import { ipAddressBytes } from './ip-address.js';
import { marbleTypeExtension } from './marble-type.js';
import { startLeaf, type IssuedMarbleCertificate, type PendingLeaf } from './sign-leaf.js';
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

export type { IssuedMarbleCertificate } from './sign-leaf.js';

export interface MarbleCertificateRequest {
  /** The marble's UUID; becomes the subject CN. */
  uuid: string;
  /** Requested DNS names or IP literals; localhost and 127.0.0.1 are always added. */
  dnsNames?: readonly string[];
  /** The marble type, carried in MarbleRun's MarbleType extension (pki/marble-type.ts) when given. */
  marbleType?: string | undefined;
  /** The key to certify: a CryptoKey or SubjectPublicKeyInfo DER. */
  publicKey: CryptoKey | Uint8Array;
  now: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_NAME = /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

/** OID 2.5.4.3 (commonName). */
const OID_COMMON_NAME = Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03);
/** OID 2.5.29.17 (subjectAltName). */
const OID_SUBJECT_ALT_NAME = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x11);

/** A marble key pair as the DER encodings an activation hands out. */
export type MarbleKeyDer = Pick<MarbleKeyPair, 'publicKeySpki' | 'privateKeyPkcs8'>;

/**
 * A fresh key pair, only as DER (the activation path; ec-key-der.ts): P-256 for Confide's
 * certificates, made by ECDH on the event loop and encoded by the coordinator; P-384 for
 * MarbleRun's (coordinator/core/marbleapi.go generateMarbleAuthSecrets), made and encoded by
 * OpenSSL in one pool job.
 */
export async function generateMarbleKeyDer(namedCurve: MarbleCurve = MARBLE_KEY_ALGORITHM.namedCurve): Promise<MarbleKeyDer> {
  return generateEcKeyDer(namedCurve);
}

/** A fresh P-256 key pair for a marble certificate. */
export async function generateMarbleKeyPair(): Promise<MarbleKeyPair> {
  const keys = (await webcrypto.subtle.generateKey(MARBLE_KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const [spki, pkcs8] = await Promise.all([
    webcrypto.subtle.exportKey('spki', keys.publicKey),
    webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
  ]);
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, publicKeySpki: new Uint8Array(spki), privateKeyPkcs8: new Uint8Array(pkcs8) };
}

/** One subjectAltName entry. */
export interface SanEntry {
  type: 'dns' | 'ip';
  value: string;
}

/** `name` as a SAN entry: an IP literal, else a DNS name (lower case). Throws ERR_VALIDATION. */
export function sanEntry(name: string): SanEntry {
  const ip = isIP(name) !== 0;
  if (!ip && (name.length > 253 || !DNS_NAME.test(name))) {
    throw new CoordinatorError('ERR_VALIDATION', `not a DNS name or IP address: ${JSON.stringify(name)}`, { details: { dnsName: name } });
  }
  return { type: ip ? 'ip' : 'dns', value: ip ? name : name.toLowerCase() };
}

/** SAN entries: the requested names in order, then localhost and 127.0.0.1 unless already there. Throws ERR_VALIDATION. */
function sanEntries(requested: readonly string[]): SanEntry[] {
  const out = new Map<string, SanEntry>();
  for (const name of [...requested, 'localhost', '127.0.0.1']) {
    const entry = sanEntry(name);
    out.set(`${entry.type}:${entry.value}`, entry);
  }
  return [...out.values()];
}

/** The SubjectAlternativeName extension (not critical) for the entries. */
export function sanExtension(entries: readonly SanEntry[]): Uint8Array {
  const names = entries.map((e) => (e.type === 'dns' ? tlv(DER.SAN_DNS, ascii(e.value)) : tlv(DER.SAN_IP, ipAddressBytes(e.value))));
  return tlv(DER.SEQUENCE, OID_SUBJECT_ALT_NAME, tlv(DER.OCTET_STRING, tlv(DER.SEQUENCE, ...names)));
}

// The leaf's fixed extensions, encoded once by the library; the issuer-specific and per-leaf parts are added per call.
let fixedExtensions: Uint8Array[] | undefined;
function leafFixedExtensions(): Uint8Array[] {
  fixedExtensions ??= [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
  ].map((e) => new Uint8Array(e.rawData));
  return fixedExtensions;
}

async function spkiOf(publicKey: CryptoKey | Uint8Array): Promise<Uint8Array> {
  return publicKey instanceof Uint8Array ? publicKey : new Uint8Array(await webcrypto.subtle.exportKey('spki', publicKey));
}

/** Starts Confide's leaf: CN=uuid, then BasicConstraints, KeyUsage, ExtendedKeyUsage, SubjectAltName, AuthorityKeyIdentifier, and MarbleType when a type is given. */
async function startConfideLeaf(pki: CoordinatorPki, uuid: string, names: readonly string[], publicKey: CryptoKey | Uint8Array, now: Date, marbleType?: string): Promise<PendingLeaf> {
  if (!UUID.test(uuid)) throw new CoordinatorError('ERR_VALIDATION', 'the marble UUID is not a UUID', { details: { uuid } });
  const san = sanExtension(sanEntries(names));
  return startLeaf(pki, {
    subject: tlv(DER.SEQUENCE, tlv(DER.SET, tlv(DER.SEQUENCE, OID_COMMON_NAME, tlv(DER.PRINTABLE_STRING, ascii(uuid.toLowerCase()))))),
    spki: await spkiOf(publicKey),
    notBefore: now,
    notAfter: NO_EXPIRY,
    extensions: (issuer) => [...leafFixedExtensions(), san, issuer.authorityKeyIdentifier, ...(marbleType === undefined ? [] : [marbleTypeExtension(marbleType)])],
  });
}

/**
 * Issues a marble certificate under the intermediate: CN=uuid, SANs dnsNames + localhost +
 * 127.0.0.1, EKU serverAuth + clientAuth, no expiry (as MarbleRun). Throws ERR_VALIDATION.
 */
export async function issueMarbleCertificate(pki: CoordinatorPki, request: MarbleCertificateRequest): Promise<IssuedMarbleCertificate> {
  return (await startMarbleCertificate(pki, request)).issued;
}

/** issueMarbleCertificate, resolving once only the signature is left (its serial known). Throws ERR_VALIDATION. */
export function startMarbleCertificate(pki: CoordinatorPki, request: MarbleCertificateRequest): Promise<PendingLeaf> {
  return startConfideLeaf(pki, request.uuid, request.dnsNames ?? [], request.publicKey, request.now, request.marbleType);
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
    throw new CoordinatorError('ERR_VALIDATION', 'the CSR cannot be parsed', { cause });
  }
  let valid = false;
  try {
    valid = await csr.verify();
  } catch (cause) {
    throw new CoordinatorError('ERR_VALIDATION', 'the CSR key or signature algorithm is not supported', { cause });
  }
  if (!valid) throw new CoordinatorError('ERR_VALIDATION', 'the CSR signature does not verify');
  const names: string[] = [];
  const san = csr.getExtension('2.5.29.17');
  if (san) {
    for (const n of new x509.SubjectAlternativeNameExtension(san.rawData).names.toJSON()) {
      if (n.type === 'dns' || n.type === 'ip') names.push(n.value);
    }
  }
  return (await startConfideLeaf(pki, options.uuid, [...names, ...(options.dnsNames ?? [])], new Uint8Array(csr.publicKey.rawData), options.now)).issued;
}
