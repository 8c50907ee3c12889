/**
 * X.509 certificates and CRLs of AMD's KDS PKI (RFC 5280 sections 4.1 and 5.1), parsed with
 * the exact signed bytes kept. AMD signs with RSASSA-PSS/SHA-384 (RFC 4055 parameters);
 * ARK/ASK/ASVK keys are RSA, VCEK/VLEK keys ECDSA P-384.
 */
import { ConfideError, toHex, type ErrorCode } from '@confide/core';
import { DerReader, TAG, decodeOid, decodeSmallInt, decodeTime, type DerElement } from '../intel/der.js';

const OID = {
  RSASSA_PSS: '1.2.840.113549.1.1.10',
  RSA_ENCRYPTION: '1.2.840.113549.1.1.1',
  MGF1: '1.2.840.113549.1.1.8',
  SHA384: '2.16.840.1.101.3.4.2.2',
  EC_PUBLIC_KEY: '1.2.840.10045.2.1',
  P384: '1.3.132.0.34',
  COMMON_NAME: '2.5.4.3',
  BASIC_CONSTRAINTS: '2.5.29.19',
} as const;

/** RSASSA-PSS with SHA-384 and MGF1-SHA-384, the only signature AMD's PKI uses. */
export interface PssSignature {
  saltLength: number;
}

export type AmdKeyKind = 'rsa' | 'ec-p384';

export interface AmdCertificate {
  raw: Uint8Array;
  /** The exact TBSCertificate bytes the issuer signed. */
  tbs: Uint8Array;
  signatureAlgorithm: PssSignature;
  signature: Uint8Array;
  /** Lower-case hex of the serial number's contents. */
  serial: string;
  issuer: Uint8Array;
  issuerCn: string;
  subject: Uint8Array;
  subjectCn: string;
  notBefore: Date;
  notAfter: Date;
  /** The whole SubjectPublicKeyInfo, as WebCrypto imports it. */
  spki: Uint8Array;
  keyKind: AmdKeyKind;
  isCa: boolean;
  /** Extension contents (the OCTET STRING's value) by OID. */
  extensions: Map<string, Uint8Array>;
}

export interface AmdCrl {
  raw: Uint8Array;
  tbs: Uint8Array;
  signatureAlgorithm: PssSignature;
  signature: Uint8Array;
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  /** Lower-case hex of each revoked serial number's contents. */
  revoked: Set<string>;
}

function readCn(name: DerElement, code: ErrorCode): string {
  // Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }
  const rdns = new DerReader(name.value, code, 'X.509 name');
  let cn = '';
  while (!rdns.done) {
    const set = rdns.enter(TAG.SET);
    while (!set.done) {
      const atv = set.enter(TAG.SEQUENCE);
      const type = decodeOid(atv.next(TAG.OID).value);
      const value = atv.next();
      if (type === OID.COMMON_NAME) cn = new TextDecoder().decode(value.value);
    }
  }
  return cn;
}

function readHashAlgorithm(r: DerReader): string {
  const alg = r.enter(TAG.SEQUENCE);
  return decodeOid(alg.next(TAG.OID).value);
}

/** AlgorithmIdentifier for RSASSA-PSS (RFC 4055 section 3.1); anything else is unsupported. */
function readPssAlgorithm(el: DerElement, code: ErrorCode): PssSignature {
  const alg = new DerReader(el.value, code, 'signature algorithm');
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid !== OID.RSASSA_PSS) {
    throw new ConfideError('ERR_EVIDENCE_UNSUPPORTED', `AMD certificate signature algorithm ${oid} is not RSASSA-PSS`);
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
    throw new ConfideError('ERR_EVIDENCE_UNSUPPORTED', 'AMD certificate RSASSA-PSS does not use SHA-384');
  }
  return { saltLength };
}

function readSignatureBits(r: DerReader): Uint8Array {
  const bits = r.next(TAG.BIT_STRING).value;
  if (bits[0] !== 0) r.fail('signature BIT STRING has unused bits');
  return bits.subarray(1);
}

function readTime(r: DerReader): Date {
  const d = decodeTime(r.next());
  if (!d) r.fail('bad time');
  return d;
}

function readKeyKind(spki: DerElement, code: ErrorCode): AmdKeyKind {
  const r = new DerReader(spki.value, code, 'SubjectPublicKeyInfo');
  const alg = r.enter(TAG.SEQUENCE);
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid === OID.RSA_ENCRYPTION) return 'rsa';
  if (oid === OID.EC_PUBLIC_KEY && !alg.done && decodeOid(alg.next(TAG.OID).value) === OID.P384) return 'ec-p384';
  throw new ConfideError('ERR_EVIDENCE_UNSUPPORTED', `AMD certificate key algorithm ${oid} is not RSA or ECDSA P-384`);
}

/**
 * Parses a DER certificate of AMD's PKI. Throws `code` (ERR_COLLATERAL_MALFORMED for
 * collateral) when the DER is broken, ERR_EVIDENCE_UNSUPPORTED for other algorithms.
 */
export function parseAmdCertificate(der: Uint8Array, code: ErrorCode = 'ERR_COLLATERAL_MALFORMED'): AmdCertificate {
  const outer = new DerReader(der, code, 'AMD certificate');
  const certEl = outer.next(TAG.SEQUENCE);
  if (!outer.done) outer.fail('trailing bytes after the certificate');
  const cert = new DerReader(certEl.value, code, 'AMD certificate');
  const tbsEl = cert.next(TAG.SEQUENCE);
  const signatureAlgorithm = readPssAlgorithm(cert.next(TAG.SEQUENCE), code);
  const signature = readSignatureBits(cert);

  const tbs = new DerReader(tbsEl.value, code, 'AMD TBSCertificate');
  tbs.optional(0xa0); // [0] version
  const serial = toHex(tbs.next(TAG.INTEGER).value);
  tbs.next(TAG.SEQUENCE); // signature algorithm, repeated inside the signed part
  const issuer = tbs.next(TAG.SEQUENCE);
  const validity = tbs.enter(TAG.SEQUENCE);
  const notBefore = readTime(validity);
  const notAfter = readTime(validity);
  const subject = tbs.next(TAG.SEQUENCE);
  const spki = tbs.next(TAG.SEQUENCE);
  const keyKind = readKeyKind(spki, code);
  const extensions = new Map<string, Uint8Array>();
  while (!tbs.done) {
    const el = tbs.next();
    if (el.tag !== 0xa3) continue; // [1]/[2] unique identifiers: unused by AMD
    const exts = new DerReader(el.value, code, 'X.509 extensions').enter(TAG.SEQUENCE);
    while (!exts.done) {
      const ext = exts.enter(TAG.SEQUENCE);
      const oid = decodeOid(ext.next(TAG.OID).value);
      ext.optional(TAG.BOOLEAN);
      extensions.set(oid, ext.next(TAG.OCTET_STRING).value);
    }
  }
  let isCa = false;
  const bc = extensions.get(OID.BASIC_CONSTRAINTS);
  if (bc) {
    const seq = new DerReader(bc, code, 'basicConstraints').enter(TAG.SEQUENCE);
    const flag = seq.optional(TAG.BOOLEAN);
    isCa = flag !== undefined && flag.value[0] !== 0;
  }
  return {
    raw: certEl.raw,
    tbs: tbsEl.raw,
    signatureAlgorithm,
    signature,
    serial,
    issuer: issuer.raw,
    issuerCn: readCn(issuer, code),
    subject: subject.raw,
    subjectCn: readCn(subject, code),
    notBefore,
    notAfter,
    spki: spki.raw,
    keyKind,
    isCa,
    extensions,
  };
}

/** Parses a DER CRL issued by an ARK. Throws ERR_COLLATERAL_MALFORMED, ERR_EVIDENCE_UNSUPPORTED. */
export function parseAmdCrl(der: Uint8Array): AmdCrl {
  const code: ErrorCode = 'ERR_COLLATERAL_MALFORMED';
  const outer = new DerReader(der, code, 'AMD CRL');
  const crlEl = outer.next(TAG.SEQUENCE);
  const crl = new DerReader(crlEl.value, code, 'AMD CRL');
  const tbsEl = crl.next(TAG.SEQUENCE);
  const signatureAlgorithm = readPssAlgorithm(crl.next(TAG.SEQUENCE), code);
  const signature = readSignatureBits(crl);

  const tbs = new DerReader(tbsEl.value, code, 'AMD TBSCertList');
  tbs.optional(TAG.INTEGER); // version
  tbs.next(TAG.SEQUENCE); // signature algorithm
  const issuer = tbs.next(TAG.SEQUENCE);
  const thisUpdate = readTime(tbs);
  const next = tbs.peekTag();
  const nextUpdate = next === TAG.UTC_TIME || next === TAG.GENERALIZED_TIME ? readTime(tbs) : undefined;
  const revoked = new Set<string>();
  const list = tbs.optional(TAG.SEQUENCE);
  if (list) {
    const entries = new DerReader(list.value, code, 'AMD CRL entries');
    while (!entries.done) revoked.add(toHex(entries.enter(TAG.SEQUENCE).next(TAG.INTEGER).value));
  }
  return { raw: crlEl.raw, tbs: tbsEl.raw, signatureAlgorithm, signature, issuer: issuer.raw, thisUpdate, nextUpdate, revoked };
}
