/** Creating the coordinator CA, and rotating its intermediate and root secret. */
import { pemEncode } from '@confide/core';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { randomSerial } from './serial.js';
import { caSigningKey, generateCaKey } from './keys.js';
import type { CoordinatorPki } from './types.js';
import {
  CA_SIGNING_ALGORITHM,
  INTERMEDIATE_COMMON_NAME,
  NO_EXPIRY,
  ROOT_COMMON_NAME,
  ROOT_SECRET_LENGTH,
} from './constants.js';

const ROOT_ALT_NAMES = [
  { type: 'dns' as const, value: 'localhost' },
  { type: 'ip' as const, value: '127.0.0.1' },
  { type: 'ip' as const, value: '::1' },
];

const CA_USAGES = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature;

function certPem(cert: x509.X509Certificate): string {
  return pemEncode('CERTIFICATE', new Uint8Array(cert.rawData));
}

function dn(commonName: string): x509.Name {
  return new x509.Name([{ '2.5.4.3': [{ printableString: commonName }] }]);
}

/** Second-precision dates: X.509 Time has no fractions, so callers compare what they passed. */
function seconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

async function newIntermediate(rootCertPem: string, rootKey: Uint8Array, now: Date) {
  const root = new x509.X509Certificate(rootCertPem);
  const { keys, pkcs8 } = await generateCaKey();
  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
  const extensions = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(CA_USAGES, true),
    ski,
  ];
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: dn(INTERMEDIATE_COMMON_NAME),
    issuer: root.subjectName,
    notBefore: seconds(now),
    notAfter: NO_EXPIRY,
    publicKey: keys.publicKey,
    signingKey: await caSigningKey(rootKey),
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(root.publicKey)],
  });
  // Same subject and key, self-signed: leaves issued by the intermediate verify under either.
  const marbleRoot = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: dn(INTERMEDIATE_COMMON_NAME),
    notBefore: seconds(now),
    notAfter: NO_EXPIRY,
    keys,
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    extensions,
  });
  return { intermediateCert: certPem(intermediate), intermediateKey: pkcs8, marbleRootCert: certPem(marbleRoot) };
}

/** A new root CA, intermediate, Marble root and root secret, valid from `now`. */
export async function createCoordinatorPki(now: Date): Promise<CoordinatorPki> {
  const { keys, pkcs8 } = await generateCaKey();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: dn(ROOT_COMMON_NAME),
    notBefore: seconds(now),
    notAfter: NO_EXPIRY,
    keys,
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(CA_USAGES, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      // MarbleRun's client API presents the root as its TLS certificate, so it names the host as
      // MarbleRun's does by default (core.go setCAData, crypto.GenerateCert: DNS "localhost",
      // IPs 127.0.0.1 and ::1): curl and Go clients pinned to the root then verify the host.
      new x509.SubjectAlternativeNameExtension(ROOT_ALT_NAMES),
    ],
  });
  const rootCert = certPem(root);
  return {
    rootCert,
    rootKey: pkcs8,
    ...(await newIntermediate(rootCert, pkcs8, now)),
    rootSecret: webcrypto.getRandomValues(new Uint8Array(ROOT_SECRET_LENGTH)),
  };
}

/** The same root with a new intermediate key, intermediate certificate and Marble root (done on every manifest update). */
export async function rotateIntermediate(pki: CoordinatorPki, now: Date): Promise<CoordinatorPki> {
  return { ...pki, ...(await newIntermediate(pki.rootCert, pki.rootKey, now)) };
}

/** A new root secret; the current one becomes `previousRootSecret` (manifest Config.RotateRootSecret). */
export function rotateRootSecret(pki: CoordinatorPki): CoordinatorPki {
  return {
    ...pki,
    previousRootSecret: pki.rootSecret,
    rootSecret: webcrypto.getRandomValues(new Uint8Array(ROOT_SECRET_LENGTH)),
  };
}
