/** The SubjectPublicKeyInfo of a DER certificate, as the exact bytes in it. */
import { X509Certificate } from 'node:crypto';
import { ConfideError } from '@confide/core';
import { DER, sequenceItems } from './der.js';

/** Position of subjectPublicKeyInfo in TBSCertificate (RFC 5280 4.1) after an explicit version. */
const SPKI_INDEX_V3 = 6;
/** The same without the version field (a v1 certificate). */
const SPKI_INDEX_V1 = 5;

/**
 * The certificate's SubjectPublicKeyInfo DER exactly as it appears in the certificate (never
 * re-encoded: a binding hashes these bytes). The certificate is first parsed whole by OpenSSL,
 * natively, so a malformed one is refused as before. Throws ERR_VALIDATION.
 */
export function certificateSpki(der: Uint8Array): Uint8Array {
  try {
    new X509Certificate(der);
  } catch (cause) {
    throw new ConfideError('ERR_VALIDATION', 'the TLS client certificate cannot be parsed', { cause });
  }
  const tbs = sequenceItems(der)?.[0];
  const fields = tbs ? sequenceItems(tbs) : undefined;
  const spki = fields?.[fields[0]?.[0] === DER.CONTEXT_0 ? SPKI_INDEX_V3 : SPKI_INDEX_V1];
  if (!spki || spki[0] !== DER.SEQUENCE) throw new ConfideError('ERR_VALIDATION', 'the TLS client certificate has no SubjectPublicKeyInfo where RFC 5280 puts it');
  return spki;
}
