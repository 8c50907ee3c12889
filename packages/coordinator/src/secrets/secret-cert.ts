/**
 * Certificates for cert-* secrets, built from the manifest's Cert template with MarbleRun's
 * defaults and signed by the coordinator intermediate (MarbleRun signs them with the
 * intermediate key under the Marble root, which has the intermediate's subject).
 */
import type { CertSubject, CertTemplate, Secret } from '../manifest/types.js';
import type { CoordinatorPki } from '../pki/types.js';
import * as x509 from '@peculiar/x509';
import { randomSerial } from '../pki/serial.js';
import { caSigningKey } from '../pki/keys.js';
import { CA_SIGNING_ALGORITHM } from '../pki/constants.js';
import { EXT_KEY_USAGE_OIDS } from './definition-check.js';
import type { KeyPairDer } from './key-pair.js';

const DEFAULT_VALID_FOR_DAYS = 365;
const DEFAULT_COMMON_NAME = 'Confide Generated Certificate';
/** Go's util.DefaultCertificateIPAddresses. */
const DEFAULT_IP_ADDRESSES: readonly string[] = ['127.0.0.1', '::1'];

// Go's pkix.Name.ToRDNSequence order; each attribute's values form one RDN.
const SUBJECT_ORDER: readonly [keyof CertSubject, string][] = [
  ['Country', '2.5.4.6'],
  ['Province', '2.5.4.8'],
  ['Locality', '2.5.4.7'],
  ['StreetAddress', '2.5.4.9'],
  ['PostalCode', '2.5.4.17'],
  ['Organization', '2.5.4.10'],
  ['OrganizationalUnit', '2.5.4.11'],
  ['CommonName', '2.5.4.3'],
  ['SerialNumber', '2.5.4.5'],
];

function attributeValue(text: string): x509.JsonAttributeObject {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text) ? { printableString: text } : { utf8String: text };
}

function subjectName(subject: CertSubject): x509.Name {
  const rdns: x509.JsonAttributeAndObjectValue[] = [];
  for (const [field, oid] of SUBJECT_ORDER) {
    const raw = subject[field];
    const values = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((v) => v !== '');
    if (values.length > 0) rdns.push({ [oid]: values.map(attributeValue) });
  }
  return new x509.Name(rdns);
}

function addDays(date: Date, days: number): Date {
  const d = new Date(date.getTime());
  d.setUTCDate(d.getUTCDate() + days);
  return d;
}

/** The validity end: Cert.NotAfter when given, else `now` + ValidFor days (default 365). */
function secretNotAfter(def: Secret, now: Date): Date {
  const notAfter = def.Cert?.NotAfter;
  return notAfter !== undefined ? new Date(notAfter) : addDays(now, def.ValidFor || DEFAULT_VALID_FOR_DAYS);
}

/**
 * Issues the certificate of a cert-* secret for `keys`. Defaults as in MarbleRun: DNSNames
 * ["localhost"], IPAddresses 127.0.0.1 and ::1, ExtKeyUsage serverAuth + clientAuth, CN the
 * only DNS name or "Confide Generated Certificate". Deviation: the default KeyUsage is
 * digitalSignature (plus keyCertSign for IsCA), not MarbleRun's digitalSignature + certSign on
 * every certificate, which RFC 5280 forbids for non-CA certificates.
 */
export async function issueSecretCertificate(def: Secret, keys: KeyPairDer, pki: CoordinatorPki, now: Date): Promise<Uint8Array> {
  const template: CertTemplate = def.Cert ?? {};
  const dnsNames = template.DNSNames ?? ['localhost'];
  const ipAddresses = template.IPAddresses ?? DEFAULT_IP_ADDRESSES;
  const subject: CertSubject = { ...(template.Subject ?? {}) };
  if (!subject.CommonName) subject.CommonName = dnsNames.length === 1 ? dnsNames[0] : DEFAULT_COMMON_NAME;
  const isCA = template.IsCA === true;
  const keyUsage = template.KeyUsage || x509.KeyUsageFlags.digitalSignature | (isCA ? x509.KeyUsageFlags.keyCertSign : 0);
  const ekus = template.ExtKeyUsage ?? [1, 2];
  // Go: MaxPathLen 0 without MaxPathLenZero, or -1, means no limit.
  const maxPathLen = template.MaxPathLen ?? 0;
  const pathLen = !isCA || maxPathLen < 0 || (maxPathLen === 0 && !template.MaxPathLenZero) ? undefined : maxPathLen;

  const intermediate = new x509.X509Certificate(pki.intermediateCert);
  const sans: x509.JsonGeneralName[] = [
    ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...(template.EmailAddresses ?? []).map((value) => ({ type: 'email' as const, value })),
    ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(keyUsage, true),
    new x509.BasicConstraintsExtension(isCA, pathLen, true),
    await x509.AuthorityKeyIdentifierExtension.create(intermediate.publicKey),
  ];
  if (ekus.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(ekus.map((i) => EXT_KEY_USAGE_OIDS[i]!)));
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  if (isCA) extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.spki as Uint8Array<ArrayBuffer>));

  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subjectName(subject),
    issuer: intermediate.subjectName,
    notBefore: new Date(Math.floor(now.getTime() / 1000) * 1000),
    notAfter: secretNotAfter(def, now),
    publicKey: keys.spki as Uint8Array<ArrayBuffer>,
    signingKey: await caSigningKey(pki.intermediateKey),
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    extensions,
  });
  return new Uint8Array(cert.rawData);
}
