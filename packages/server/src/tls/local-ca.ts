/**
 * Dev mode's local CA: generated at first start, kept in <dataDir>/tls, reused on restart.
 * The server certificate is re-issued by the same CA when it is missing, near expiry, or its
 * names differ from the listen hosts plus the extra names (`tls.san`). Private keys are written with mode 0600.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { pemDecode, pemEncode } from '@confide/core';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;
const RENEW_BEFORE = 14 * DAY;

export interface LocalCaFiles {
  caCertPath: string;
  certPath: string;
  keyPath: string;
  /** True when the CA was created by this call. */
  createdCa: boolean;
  /** True when the server certificate was (re)issued by this call. */
  issuedServerCert: boolean;
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  return pemEncode('PRIVATE KEY', new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key)));
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = pemDecode(pem, 'PRIVATE KEY');
  if (!der) throw new Error('no PEM PRIVATE KEY block');
  return webcrypto.subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, EC, true, ['sign']);
}

function writePrivate(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** SAN entries: always localhost, 127.0.0.1 and ::1, plus every listen host (not a wildcard address) and extra name. */
export function sanNames(names: readonly string[]): x509.JsonGeneralName[] {
  const out = new Map<string, x509.JsonGeneralName>();
  const add = (value: string): void => {
    const type = isIP(value) ? 'ip' : 'dns';
    out.set(`${type}:${value}`, { type, value });
  };
  for (const n of ['localhost', '127.0.0.1', '::1']) add(n);
  for (const n of names) if (n && n !== '0.0.0.0' && n !== '::') add(n);
  return [...out.values()];
}

/** Exactly the wanted names, so a name dropped from the configuration leaves the certificate too. */
function certCovers(cert: x509.X509Certificate, names: readonly string[], now: Date): boolean {
  if (cert.notAfter.getTime() - now.getTime() < RENEW_BEFORE) return false;
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (!ext) return false;
  // Both sides go through the same encoding, so an IPv6 address compares in one spelling.
  const have = new Set(ext.names.toJSON().map((n) => `${n.type}:${n.value}`));
  const want = new Set(new x509.GeneralNames(sanNames(names)).toJSON().map((n) => `${n.type}:${n.value}`));
  return have.size === want.size && [...want].every((n) => have.has(n));
}

/** Ensures the CA and a server certificate naming `names` (listen hosts and extra SANs) exist under `dir`; returns their paths. */
export async function ensureLocalCa(dir: string, names: string | readonly string[], now = new Date()): Promise<LocalCaFiles> {
  const wanted = typeof names === 'string' ? [names] : names;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCertPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server-key.pem');

  let createdCa = false;
  let caCert: x509.X509Certificate;
  let caKey: CryptoKey;
  if (existsSync(caCertPath) && existsSync(caKeyPath)) {
    caCert = new x509.X509Certificate(readFileSync(caCertPath, 'utf8'));
    caKey = await importKeyPem(readFileSync(caKeyPath, 'utf8'));
  } else {
    const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
    caKey = keys.privateKey;
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=Confide Local Development CA, O=Confide (dev mode)',
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 10 * 365 * DAY),
      keys,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    writePrivate(caKeyPath, await exportKeyPem(caKey));
    writeFileSync(caCertPath, caCert.toString('pem') + '\n');
    createdCa = true;
  }

  let issuedServerCert = false;
  const current = existsSync(certPath) && existsSync(keyPath) ? new x509.X509Certificate(readFileSync(certPath, 'utf8')) : undefined;
  if (createdCa || !current || !certCovers(current, wanted, now)) {
    const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: 'CN=localhost',
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 397 * DAY),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(sanNames(wanted)),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ],
    });
    writePrivate(keyPath, await exportKeyPem(keys.privateKey));
    writeFileSync(certPath, cert.toString('pem') + '\n' + caCert.toString('pem') + '\n');
    issuedServerCert = true;
  }
  return { caCertPath, certPath, keyPath, createdCa, issuedServerCert };
}
