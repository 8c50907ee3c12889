/**
 * X.509 certificates and CRLs as Intel's PCK PKI uses them (ECDSA P-256 with SHA-256), parsed
 * with the raw signed bytes kept (RFC 5280 section 4.1 and 5.1).
 */
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';
import { DerReader, TAG, decodeOid, ecdsaDerToRaw, type DerElement } from '../asn1/der.js';
import { commonName, parseX509Certificate, parseX509Crl, type X509Certificate, type X509Crl, type X509Profile } from '../asn1/x509.js';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
/** A P-256 scalar (r, s) and coordinate: 32 bytes. */
const P256_SIZE = 32;

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
  const spki = new DerReader(el.value, code, what);
  const alg = spki.enter(TAG.SEQUENCE);
  const keyOid = decodeOid(alg.next(TAG.OID).value);
  const curve = alg.done ? '' : decodeOid(alg.next(TAG.OID).value);
  if (keyOid !== OID_EC_PUBLIC_KEY || curve !== OID_P256) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `certificate key is not ECDSA P-256`);
  }
  const keyBits = spki.next(TAG.BIT_STRING).value;
  if (keyBits.length !== 66 || keyBits[0] !== 0 || keyBits[1] !== 0x04) spki.fail('P-256 key is not an uncompressed point');
  return { publicKey: keyBits.subarray(1) };
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
