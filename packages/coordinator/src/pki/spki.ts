/** The SubjectPublicKeyInfo of a DER certificate, as the exact bytes in it. */
import { ConfideError } from '@confide/core';
import { DER, sequenceItems } from './der.js';

/**
 * Tags of the TBSCertificate fields up to subjectPublicKeyInfo (RFC 5280 4.1), after the
 * optional [0] version: serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
 */
const TBS_TAGS = [DER.INTEGER, DER.SEQUENCE, DER.SEQUENCE, DER.SEQUENCE, DER.SEQUENCE, DER.SEQUENCE] as const;
const SPKI_FIELD = TBS_TAGS.length - 1;

function unreadable(why: string): ConfideError {
  return new ConfideError('ERR_VALIDATION', `the TLS client certificate cannot be parsed: ${why}`);
}

/**
 * The certificate's SubjectPublicKeyInfo DER exactly as it appears in the certificate (never
 * re-encoded: a binding hashes these bytes). Only the DER structure around it is checked (the
 * TLS stack parsed the certificate and proved its key; a full parse here costs more than the
 * rest of the check). Throws ERR_VALIDATION.
 */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const outer = sequenceItems(der);
  if (!outer || outer.length !== 3 || outer[0]![0] !== DER.SEQUENCE || outer[1]![0] !== DER.SEQUENCE || outer[2]![0] !== DER.BIT_STRING) {
    throw unreadable('not a DER Certificate (tbsCertificate, signatureAlgorithm, signatureValue)');
  }
  const tbs = sequenceItems(outer[0]!);
  const fields = tbs?.[0]?.[0] === DER.CONTEXT_0 ? tbs.slice(1) : tbs;
  if (!fields || fields.length < TBS_TAGS.length || TBS_TAGS.some((tag, i) => fields[i]![0] !== tag)) throw unreadable('malformed tbsCertificate');
  const spki = fields[SPKI_FIELD]!;
  const parts = sequenceItems(spki);
  if (!parts || parts.length !== 2 || parts[0]![0] !== DER.SEQUENCE || parts[1]![0] !== DER.BIT_STRING) throw unreadable('malformed subjectPublicKeyInfo');
  return spki;
}
