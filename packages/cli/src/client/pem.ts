/** PEM certificate chains as the coordinator serves them (intermediate, then root). */
import { createHash, X509Certificate } from 'node:crypto';
import { pemBlocks, pemEncode } from '@confide/core';
import { CliError } from '../errors.js';

/** Every CERTIFICATE block of a PEM text, in order, each written afresh and ending with a newline. Throws ERR_INPUT_UNREADABLE. */
export function splitPemCertificates(text: string): string[] {
  return pemBlocks(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => pemEncode(b.label, b.der));
}

/** Parses one PEM certificate. Throws ERR_INPUT_UNREADABLE naming `what`. */
export function parseCertificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `${what} is not a PEM X.509 certificate (${(err as Error).message})`, { cause: err });
  }
}

/** Lower-case hex SHA-256 of a certificate's DER: the fingerprint printed and compared everywhere. */
export function certificateFingerprint(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}
