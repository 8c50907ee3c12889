/**
 * Policy-management certificates: their thumbprints, their JWK form on the wire, and their rows in
 * the store under `maa/policy-certificates/<thumbprint>`.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { ConfideError, fromBase64, toBase64 } from '@confide/core';
import type { SettingsRepository } from '@confide/store';

export const POLICY_CERTIFICATE_PREFIX = 'maa/policy-certificates/';

/** A certificate as MAA lists it: key type and the standard base64 DER in x5c. */
export interface CertificateJwk {
  kty: 'RSA' | 'EC';
  x5c: string[];
}

/** The stored row of one policy-management certificate. */
export interface StoredPolicyCertificate {
  /** Standard base64 DER. */
  der: string;
  addedAt: string;
  /** Where it came from: the initial configuration, or POST /certificates:add signed by that thumbprint. */
  source: 'config' | { addedBy: string };
}

/** Uppercase hex SHA-1 of the DER, as MAA's `x-ms-certificate-thumbprint` (and .NET) write it. */
export function thumbprintOf(certificate: X509Certificate): string {
  return createHash('sha1').update(certificate.raw).digest('hex').toUpperCase();
}

/** The settings key of a certificate. */
export function certificateKey(thumbprint: string): string {
  return `${POLICY_CERTIFICATE_PREFIX}${thumbprint.toUpperCase()}`;
}

/** `{kty, x5c}` of a certificate. Throws ERR_POLICY_TOKEN_INVALID for a key that is neither RSA nor EC. */
export function certificateJwk(certificate: X509Certificate): CertificateJwk {
  const type = certificate.publicKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'rsa-pss' && type !== 'ec') {
    throw new ConfideError('ERR_POLICY_TOKEN_INVALID', `policy-management certificates hold RSA or EC keys, not ${type ?? 'unknown'}`);
  }
  return { kty: type === 'ec' ? 'EC' : 'RSA', x5c: [certificate.raw.toString('base64')] };
}

/** Every certificate in a PEM text. Throws ERR_CONFIG_INVALID when there is none or one does not parse. */
export function certificatesFromPem(pem: string, source: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfideError('ERR_CONFIG_INVALID', `${source}: no PEM certificate found`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new ConfideError('ERR_CONFIG_INVALID', `${source}: certificate ${i + 1} does not parse`);
    }
  });
}

/** The stored certificates, keyed by thumbprint. */
export async function loadPolicyCertificates(settings: SettingsRepository): Promise<Map<string, X509Certificate>> {
  const rows = await settings.list(POLICY_CERTIFICATE_PREFIX);
  const out = new Map<string, X509Certificate>();
  for (const row of rows) {
    const der = (row.value as Partial<StoredPolicyCertificate>).der;
    if (typeof der !== 'string') throw new ConfideError('ERR_INTERNAL', `stored certificate ${row.key} has no DER`);
    out.set(row.key.slice(POLICY_CERTIFICATE_PREFIX.length), new X509Certificate(Buffer.from(fromBase64(der))));
  }
  return out;
}

/** The row for a certificate. */
export function storedCertificate(certificate: X509Certificate, at: Date, source: StoredPolicyCertificate['source']): StoredPolicyCertificate {
  return { der: toBase64(new Uint8Array(certificate.raw)), addedAt: at.toISOString(), source };
}
