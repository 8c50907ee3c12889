/**
 * X.509 certificates and CRLs as Intel's PCK PKI uses them (ECDSA P-256 with SHA-256), parsed
 * with the raw signed bytes kept (RFC 5280 section 4.1 and 5.1).
 */
import type { EvidenceErrorCode } from '../errors.js';
import { DerReader, TAG, decodeOid, ecdsaDerToRaw, type DerElement } from '../asn1/der.js';
import { commonName, parseX509Certificate, parseX509Crl, readEcSpki, type EcCurve, type X509Certificate, type X509Crl, type X509Profile } from '../asn1/x509.js';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
/** A P-256 scalar (r, s) and coordinate: 32 bytes. */
const P256_SIZE = 32;
const P256: EcCurve = { oid: '1.2.840.10045.3.1.7', name: 'P-256', scalarBytes: P256_SIZE };

export interface ParsedCertificate extends X509Certificate {
  /** Raw r||s (64 bytes). */
  signature: Uint8Array;
  /** Uncompressed P-256 point (65 bytes, 0x04 || x || y). */
  publicKey: Uint8Array;
}

export interface ParsedCrl extends X509Crl {
  /** Raw r||s (64 bytes). */
  signature: Uint8Array;
  issuerCn: string;
}

function readAlgorithm(el: DerElement, code: EvidenceErrorCode, what: string): object {
  const alg = new DerReader(el.value, code, what);
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid !== OID_ECDSA_SHA256) alg.fail(`signature algorithm ${oid} is not ecdsa-with-SHA256`);
  return {};
}

function readP256Key(el: DerElement, code: EvidenceErrorCode, what: string): { publicKey: Uint8Array } {
  return { publicKey: readEcSpki(el, code, what, P256, 'certificate').point };
}

const INTEL_PROFILE: X509Profile<object, { publicKey: Uint8Array }> = {
  label: 'X.509',
  algorithm: readAlgorithm,
  signature: (bits, code) => ecdsaDerToRaw(bits, P256_SIZE, code),
  key: readP256Key,
};

/** Parses a DER X.509 certificate with an ECDSA P-256 key. Throws `code` (ERR_EVIDENCE_MALFORMED or ERR_COLLATERAL_MALFORMED), ERR_EVIDENCE_UNSUPPORTED for another key type. */
export function parseCertificate(der: Uint8Array, code: EvidenceErrorCode): ParsedCertificate {
  return parseX509Certificate(der, code, INTEL_PROFILE);
}

/** Parses a DER CRL signed with ECDSA P-256 / SHA-256. Throws `code`. */
export function parseCrl(der: Uint8Array, code: EvidenceErrorCode): ParsedCrl {
  const crl = parseX509Crl(der, code, INTEL_PROFILE);
  return { ...crl, issuerCn: commonName(crl.issuer, code) };
}
