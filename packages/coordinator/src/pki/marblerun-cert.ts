/**
 * The marble certificate as MarbleRun's gRPC activation issues it
 * (edgelesssys/marblerun coordinator/core/marbleapi.go, generateCertFromCSR): the CSR only
 * proposes the subject and names, its own key is not certified: the coordinator makes a P-384
 * key and hands its private half to the marble (MARBLE_PREDEFINED_PRIVATE_KEY). Subject = the
 * CSR's with CN = UUID and O = the Marble root's issuer organisation; SANs = the CSR's DNS names
 * then IP addresses; KeyUsage digitalSignature|keyAgreement, EKU serverAuth+clientAuth,
 * BasicConstraints CA:false, and the MarbleType extension (OID 1.3.9903.2.1, the type's bytes
 * as the extension value). Extensions in the order Go's x509.CreateCertificate writes them.
 * Validity: now to now + math.MaxInt64 nanoseconds (about 292 years), as Go computes it.
 */
import * as x509 from '@peculiar/x509';
import { CoordinatorError } from '../errors.js';
import { ascii, DER, tlv } from './der.js';
import { sanExtension, type SanEntry } from './marble-cert.js';
import { marbleTypeExtension } from './marble-type.js';
import { startLeaf, wholeSeconds, type IssuedMarbleCertificate, type PendingLeaf } from './sign-leaf.js';
import type { CoordinatorPki } from './types.js';

const OID_KEY_USAGE = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x0f);
const OID_EXT_KEY_USAGE = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x25);
const OID_BASIC_CONSTRAINTS = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x13);
const CRITICAL = Uint8Array.of(0x01, 0x01, 0xff);
/** BIT STRING, 3 unused bits, digitalSignature (bit 0) | keyAgreement (bit 4): Go's minimal encoding. */
const KEY_USAGE_BITS = Uint8Array.of(0x03, 0x02, 0x03, 0x88);
/** SEQUENCE { id-kp-serverAuth, id-kp-clientAuth }. */
const EKU_SERVER_CLIENT = Uint8Array.of(0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02);
/** math.MaxInt64 nanoseconds, Go's `notBefore.Add(math.MaxInt64)`. */
const MAX_DURATION_NS = 9223372036854775807n;
/** UTF8String: Go's encoding of a name attribute that is not a PrintableString. */
const UTF8_STRING = 0x0c;

/**
 * The pkix.Name fields Go re-encodes from a parsed name, in its order (crypto/x509/pkix
 * Name.ToRDNSequence): other attributes of the CSR subject are dropped, as Go drops them.
 */
const NAME_FIELDS: ReadonlyArray<readonly [string, number]> = [
  ['2.5.4.6', 0x06], // Country
  ['2.5.4.8', 0x08], // Province
  ['2.5.4.7', 0x07], // Locality
  ['2.5.4.9', 0x09], // StreetAddress
  ['2.5.4.17', 0x11], // PostalCode
  ['2.5.4.10', 0x0a], // Organization
  ['2.5.4.11', 0x0b], // OrganizationalUnit
  ['2.5.4.3', 0x03], // CommonName
  ['2.5.4.5', 0x05], // SerialNumber
];

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?*]*$/;

function invalid(message: string, cause?: unknown): CoordinatorError {
  return new CoordinatorError('ERR_VALIDATION', message, { details: { field: 'CSR' }, ...(cause !== undefined ? { cause } : {}) });
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** One AttributeTypeAndValue: PrintableString when Go's asn1 would pick it, else UTF8String. */
function attribute(arc: number, value: string): Uint8Array {
  const body = PRINTABLE.test(value) ? tlv(DER.PRINTABLE_STRING, ascii(value)) : tlv(UTF8_STRING, new TextEncoder().encode(value));
  return tlv(DER.SEQUENCE, Uint8Array.of(0x06, 0x03, 0x55, 0x04, arc), body);
}

/** The subject Go writes: one RDN per field with values, its values a DER SET OF (sorted). */
function subjectName(fields: ReadonlyMap<string, readonly string[]>): Uint8Array {
  const rdns: Uint8Array[] = [];
  for (const [oid, arc] of NAME_FIELDS) {
    const values = fields.get(oid) ?? [];
    if (values.length === 0) continue;
    rdns.push(tlv(DER.SET, ...values.map((v) => attribute(arc, v)).sort(compare)));
  }
  return tlv(DER.SEQUENCE, ...rdns);
}

function extension(oid: Uint8Array, critical: boolean, value: Uint8Array): Uint8Array {
  return tlv(DER.SEQUENCE, oid, ...(critical ? [CRITICAL] : []), tlv(DER.OCTET_STRING, value));
}

/** Parses and checks a DER CSR (its signature must verify). Throws ERR_VALIDATION. */
async function readCsr(der: Uint8Array): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(der as Uint8Array<ArrayBuffer>);
  } catch (cause) {
    throw invalid('the CSR cannot be parsed', cause);
  }
  let valid: boolean;
  try {
    valid = await csr.verify();
  } catch (cause) {
    throw invalid('the CSR key or signature algorithm is not supported', cause);
  }
  if (!valid) throw invalid('signature over CSR is invalid');
  return csr;
}

/** The CSR's DNS names, then its IP addresses (the only SANs MarbleRun copies). Throws ERR_VALIDATION. */
function csrNames(csr: x509.Pkcs10CertificateRequest): SanEntry[] {
  const raw = csr.getExtension('2.5.29.17');
  if (!raw) return [];
  const names = new x509.SubjectAlternativeNameExtension(raw.rawData).names.toJSON();
  const dns = names.filter((n) => n.type === 'dns').map((n) => n.value);
  for (const name of dns) if ([...name].some((c) => c.charCodeAt(0) > 0x7f)) throw invalid(`the CSR's DNS name ${JSON.stringify(name)} is not an IA5String`);
  return [...dns.map((value) => ({ type: 'dns' as const, value })), ...names.filter((n) => n.type === 'ip').map((n) => ({ type: 'ip' as const, value: n.value }))];
}

/** Go's notBefore.Add(math.MaxInt64), to whole seconds. */
function goMaxValidity(notBefore: Date): Date {
  const ns = BigInt(notBefore.getTime()) * 1_000_000n + MAX_DURATION_NS;
  return new Date(Number(ns / 1_000_000_000n) * 1000);
}

export interface MarbleRunCertificateRequest {
  uuid: string;
  marbleType: string;
  /** DER of the PKCS#10 request the marble sent. */
  csr: Uint8Array;
  /** SubjectPublicKeyInfo DER of the key the coordinator made for the marble. */
  publicKeySpki: Uint8Array;
  now: Date;
}

/** Issues MarbleRun's marble certificate (see the module comment). Throws ERR_VALIDATION (CSR), ERR_INTERNAL. */
export async function issueMarbleRunCertificate(pki: CoordinatorPki, request: MarbleRunCertificateRequest): Promise<IssuedMarbleCertificate> {
  return (await startMarbleRunCertificate(pki, request)).issued;
}

/** issueMarbleRunCertificate, resolving once only the signature is left (its serial known). Throws ERR_VALIDATION (CSR), ERR_INTERNAL. */
export async function startMarbleRunCertificate(pki: CoordinatorPki, request: MarbleRunCertificateRequest): Promise<PendingLeaf> {
  const csr = await readCsr(request.csr);
  const fields = new Map<string, readonly string[]>();
  for (const [oid] of NAME_FIELDS) fields.set(oid, csr.subjectName.getField(oid));
  fields.set('2.5.4.3', [request.uuid]);
  fields.set('2.5.4.10', new x509.X509Certificate(pki.marbleRootCert).issuerName.getField('2.5.4.10'));
  const names = csrNames(csr);
  const notBefore = wholeSeconds(request.now);
  return startLeaf(pki, {
    subject: subjectName(fields),
    spki: request.publicKeySpki,
    notBefore,
    notAfter: goMaxValidity(request.now),
    extensions: (issuer) => [
      extension(OID_KEY_USAGE, true, KEY_USAGE_BITS),
      extension(OID_EXT_KEY_USAGE, false, EKU_SERVER_CLIENT),
      extension(OID_BASIC_CONSTRAINTS, true, Uint8Array.of(0x30, 0x00)),
      issuer.authorityKeyIdentifier,
      ...(names.length > 0 ? [sanExtension(names)] : []),
      marbleTypeExtension(request.marbleType),
    ],
  });
}
