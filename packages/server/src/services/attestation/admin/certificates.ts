/**
 * Policy-management certificates: their thumbprints, their JWK form on the wire, and their rows in
 * the store's management-certificates repository.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { pemBlocks } from '@confide/core';
import { ServerError } from '../../../errors/index.js';
import type { ManagementCertificateRow, ManagementCertificatesRepository } from '@confide/store';

/** A certificate as MAA lists it: key type and the standard base64 DER in x5c. */
export interface CertificateJwk {
  kty: 'RSA' | 'EC';
  x5c: string[];
}

/** The stored row of one policy-management certificate; addedBy is null for one from the configuration. */
export type StoredPolicyCertificate = ManagementCertificateRow;

/** Uppercase hex SHA-1 of the DER, as MAA's `x-ms-certificate-thumbprint` (and .NET) write it. */
export function thumbprintOf(certificate: X509Certificate): string {
  return createHash('sha1').update(certificate.raw).digest('hex').toUpperCase();
}

/** `{kty, x5c}` of a certificate. Throws ERR_POLICY_TOKEN_INVALID for a key that is neither RSA nor EC. */
export function certificateJwk(certificate: X509Certificate): CertificateJwk {
  const type = certificate.publicKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'rsa-pss' && type !== 'ec') {
    throw new ServerError('ERR_POLICY_TOKEN_INVALID', `policy-management certificates hold RSA or EC keys, not ${type ?? 'unknown'}`);
  }
  return { kty: type === 'ec' ? 'EC' : 'RSA', x5c: [certificate.raw.toString('base64')] };
}

/** Every certificate in a PEM text. Throws ERR_CONFIG_INVALID when there is none or one does not parse. */
export function certificatesFromPem(pem: string, source: string): X509Certificate[] {
  const blocks = pemBlocks(pem, (message) => new ServerError('ERR_CONFIG_INVALID', message)).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new ServerError('ERR_CONFIG_INVALID', `${source}: no PEM certificate found`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block.der);
    } catch {
      throw new ServerError('ERR_CONFIG_INVALID', `${source}: certificate ${i + 1} does not parse`);
    }
  });
}

/** The stored certificates, keyed by thumbprint. */
export async function loadPolicyCertificates(certificates: ManagementCertificatesRepository): Promise<Map<string, X509Certificate>> {
  const out = new Map<string, X509Certificate>();
  for (const row of await certificates.list()) out.set(row.thumbprint, new X509Certificate(row.der));
  return out;
}

/** The row for a certificate; `addedBy` is the thumbprint that signed its addition, null for the configuration. */
export function storedCertificate(certificate: X509Certificate, at: Date, addedBy: string | null): StoredPolicyCertificate {
  return { thumbprint: thumbprintOf(certificate), der: new Uint8Array(certificate.raw), addedAt: at.toISOString(), addedBy };
}
