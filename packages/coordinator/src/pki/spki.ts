/** The SubjectPublicKeyInfo of a DER certificate, as the exact bytes in it. */
import { DerReader, TAG } from '@confide/evidence';

/** [0] EXPLICIT version of a TBSCertificate (RFC 5280 4.1). */
const TAG_VERSION = 0xa0;
const CODE = 'ERR_VALIDATION';
const WHAT = 'the TLS client certificate cannot be parsed';

/**
 * The certificate's SubjectPublicKeyInfo DER exactly as it appears in the certificate (never
 * re-encoded: a binding hashes these bytes). Only the DER structure around it is checked (the
 * TLS stack parsed the certificate and proved its key; a full parse here costs more than the
 * rest of the check). Throws ERR_VALIDATION.
 */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const outer = new DerReader(der, CODE, WHAT);
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
  const cert = outer.enter(TAG.SEQUENCE);
  if (!outer.done) outer.fail('trailing bytes after the certificate');
  const tbs = cert.enter(TAG.SEQUENCE);
  cert.next(TAG.SEQUENCE);
  cert.next(TAG.BIT_STRING);
  if (!cert.done) cert.fail('not a DER Certificate (tbsCertificate, signatureAlgorithm, signatureValue)');
  // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, …
  tbs.optional(TAG_VERSION);
  tbs.next(TAG.INTEGER);
  for (let i = 0; i < 4; i++) tbs.next(TAG.SEQUENCE);
  const spki = tbs.next(TAG.SEQUENCE);
  while (!tbs.done) tbs.next(); // the rest must be well-formed DER too
  const parts = new DerReader(spki.value, CODE, WHAT);
  parts.next(TAG.SEQUENCE);
  parts.next(TAG.BIT_STRING);
  if (!parts.done) parts.fail('malformed subjectPublicKeyInfo');
  return spki.raw;
}
