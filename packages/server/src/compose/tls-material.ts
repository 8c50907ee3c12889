/**
 * The listener's certificate and key: the operator's files (`tls.cert`, `tls.key`), or in dev
 * mode a certificate from the generated local CA. Both are parsed and matched here, so a wrong,
 * swapped or mismatched file stops the start with a message that names it.
 */
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfideError } from '@confide/core';
import { ServerError } from '../errors/index.js';
import type { Config } from '../config/schema.js';
import { ensureLocalCa } from '../tls/local-ca.js';
import { readSettingFile } from './setting-file.js';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** The generated local CA certificate (dev mode without tls.cert). */
  caCertPath: string | undefined;
  /** Hex SHA-256 of the leaf certificate's SubjectPublicKeyInfo DER: what the coordinator's quote binds. */
  spkiSha256: string;
}

const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

function invalid(setting: string, path: string, message: string): ConfideError {
  return new ServerError('ERR_CONFIG_INVALID', `${setting}: ${path} ${message}`, { details: { key: setting, path } });
}

function parseCertificate(bytes: Buffer, path: string): X509Certificate {
  if (PEM_KEY.test(bytes.toString('latin1'))) throw invalid('tls.cert', path, 'holds a private key, not a certificate; are tls.cert and tls.key swapped?');
  try {
    return new X509Certificate(bytes);
  } catch {
    throw invalid('tls.cert', path, 'holds no PEM or DER certificate');
  }
}

function parseKey(bytes: Buffer, path: string): KeyObject {
  if (bytes.toString('latin1').includes('-----BEGIN CERTIFICATE-----') && !PEM_KEY.test(bytes.toString('latin1'))) {
    throw invalid('tls.key', path, 'holds a certificate, not a private key; are tls.cert and tls.key swapped?');
  }
  try {
    return createPrivateKey(bytes);
  } catch {
    throw invalid('tls.key', path, 'holds no PEM private key (an encrypted key is not supported)');
  }
}

/** Hex SHA-256 of a certificate's SubjectPublicKeyInfo DER (of the first certificate of a PEM chain). */
export function tlsSpkiSha256(certificate: string | Uint8Array): string {
  const spki = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

/** Throws ERR_CONFIG_INVALID naming the setting and file (unreadable, not a certificate or key, swapped, or not a pair). */
export async function tlsMaterial(config: Config, dataDir: string): Promise<TlsMaterial> {
  const { cert: certPath, key: keyPath } = config.tls;
  if (certPath === undefined && keyPath === undefined) {
    const ca = await ensureLocalCa(join(dataDir, 'tls'), [...config.host, ...(config.tls.san ?? [])]);
    const cert = readFileSync(ca.certPath);
    return { cert, key: readFileSync(ca.keyPath), caCertPath: ca.caCertPath, spkiSha256: tlsSpkiSha256(cert) };
  }
  if (certPath === undefined || keyPath === undefined) {
    throw new ServerError('ERR_CONFIG_INVALID', `tls.cert and tls.key must be given together (only ${certPath === undefined ? 'tls.key' : 'tls.cert'} is set)`, {
      details: { key: certPath === undefined ? 'tls.cert' : 'tls.key' },
    });
  }
  const cert = readSettingFile('tls.cert', certPath);
  const key = readSettingFile('tls.key', keyPath);
  const leaf = parseCertificate(cert, certPath);
  const privateKey = parseKey(key, keyPath);
  let pair: boolean;
  try {
    pair = leaf.checkPrivateKey(privateKey);
  } catch {
    pair = false; // a key of another type than the certificate's
  }
  if (!pair) throw invalid('tls.key', keyPath, `is not the private key of the certificate in tls.cert ${certPath}`);
  return { cert, key, caCertPath: undefined, spkiSha256: tlsSpkiSha256(cert) };
}
