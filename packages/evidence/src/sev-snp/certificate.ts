/**
 * X.509 certificates and CRLs of AMD's KDS PKI (RFC 5280 sections 4.1 and 5.1), parsed with
 * the exact signed bytes kept. AMD signs with RSASSA-PSS/SHA-384 (RFC 4055 parameters);
 * ARK/ASK/ASVK keys are RSA, VCEK/VLEK keys ECDSA P-384.
 */
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';
import { DerReader, TAG, decodeOid, decodeSmallInt, type DerElement } from '../asn1/der.js';
import { parseX509Certificate, parseX509Crl, type X509Certificate, type X509Crl, type X509Profile } from '../asn1/x509.js';

const OID = {
  RSASSA_PSS: '1.2.840.113549.1.1.10',
  RSA_ENCRYPTION: '1.2.840.113549.1.1.1',
  MGF1: '1.2.840.113549.1.1.8',
  SHA384: '2.16.840.1.101.3.4.2.2',
  EC_PUBLIC_KEY: '1.2.840.10045.2.1',
  P384: '1.3.132.0.34',
} as const;

/** RSASSA-PSS with SHA-384 and MGF1-SHA-384, the only signature AMD's PKI uses. */
export interface PssSignature {
  saltLength: number;
}

export type AmdKeyKind = 'rsa' | 'ec-p384';

export interface AmdCertificate extends X509Certificate {
  signatureAlgorithm: PssSignature;
  /** The whole SubjectPublicKeyInfo, as WebCrypto imports it. */
  spki: Uint8Array;
  keyKind: AmdKeyKind;
}

export interface AmdCrl extends X509Crl {
  signatureAlgorithm: PssSignature;
}

function readHashAlgorithm(r: DerReader): string {
  const alg = r.enter(TAG.SEQUENCE);
  return decodeOid(alg.next(TAG.OID).value);
}

/** AlgorithmIdentifier for RSASSA-PSS (RFC 4055 section 3.1); anything else is unsupported. */
function readPssAlgorithm(el: DerElement, code: EvidenceErrorCode): PssSignature {
  const alg = new DerReader(el.value, code, 'signature algorithm');
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid !== OID.RSASSA_PSS) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `AMD certificate signature algorithm ${oid} is not RSASSA-PSS`);
  }
  // Defaults (SHA-1, MGF1-SHA-1) are never used by AMD and are refused below.
  let hash = '1.3.14.3.2.26';
  let mgfHash = '1.3.14.3.2.26';
  let saltLength = 20;
  const params = alg.enter(TAG.SEQUENCE);
  while (!params.done) {
    const field = params.next();
    const inner = new DerReader(field.value, code, 'RSASSA-PSS parameters');
    if (field.tag === 0xa0) hash = readHashAlgorithm(inner);
    else if (field.tag === 0xa1) {
      const mgf = inner.enter(TAG.SEQUENCE);
      if (decodeOid(mgf.next(TAG.OID).value) !== OID.MGF1) mgf.fail('mask generation function is not MGF1');
      mgfHash = readHashAlgorithm(mgf);
    } else if (field.tag === 0xa2) saltLength = decodeSmallInt(inner.next(TAG.INTEGER).value);
  }
  if (hash !== OID.SHA384 || mgfHash !== OID.SHA384) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', 'AMD certificate RSASSA-PSS does not use SHA-384');
  }
  return { saltLength };
}

function readKeyKind(spki: DerElement, code: EvidenceErrorCode): AmdKeyKind {
  const r = new DerReader(spki.value, code, 'SubjectPublicKeyInfo');
  const alg = r.enter(TAG.SEQUENCE);
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid === OID.RSA_ENCRYPTION) return 'rsa';
  if (oid === OID.EC_PUBLIC_KEY && !alg.done && decodeOid(alg.next(TAG.OID).value) === OID.P384) return 'ec-p384';
  throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `AMD certificate key algorithm ${oid} is not RSA or ECDSA P-384`);
}

const AMD_PROFILE: X509Profile<{ signatureAlgorithm: PssSignature }, { spki: Uint8Array; keyKind: AmdKeyKind }> = {
  label: 'AMD',
  algorithm: (el, code) => ({ signatureAlgorithm: readPssAlgorithm(el, code) }),
  key: (spki, code) => ({ spki: spki.raw, keyKind: readKeyKind(spki, code) }),
  // Each certificate comes as a DER file of its own (a KDS answer, a pinned root): anything
  // after it means the file is not the certificate it claims to be.
  refuseTrailingBytes: true,
};

/**
 * Parses a DER certificate of AMD's PKI. Throws `code` (ERR_COLLATERAL_MALFORMED for
 * collateral) when the DER is broken, ERR_EVIDENCE_UNSUPPORTED for other algorithms.
 */
export function parseAmdCertificate(der: Uint8Array, code: EvidenceErrorCode = 'ERR_COLLATERAL_MALFORMED'): AmdCertificate {
  return parseX509Certificate(der, code, AMD_PROFILE);
}

/** Parses a DER CRL issued by an ARK. Throws ERR_COLLATERAL_MALFORMED, ERR_EVIDENCE_UNSUPPORTED. */
export function parseAmdCrl(der: Uint8Array): AmdCrl {
  return parseX509Crl(der, 'ERR_COLLATERAL_MALFORMED', AMD_PROFILE);
}
