/**
 * X.509 certificates and CRLs as Intel's PCK PKI uses them (ECDSA P-256 with SHA-256), parsed
 * with the raw signed bytes kept (RFC 5280 section 4.1 and 5.1).
 */
import { ConfideError, toHex, type ErrorCode } from '@confide/core';
import { DerReader, TAG, decodeOid, decodeTime, ecdsaDerToRaw, type DerElement } from './der.js';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_COMMON_NAME = '2.5.4.3';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

export interface ParsedCertificate {
  raw: Uint8Array;
  /** The exact TBSCertificate bytes the issuer signed. */
  tbs: Uint8Array;
  /** Raw r||s (64 bytes). */
  signature: Uint8Array;
  /** Lower-case hex of the serial number's contents. */
  serial: string;
  issuer: Uint8Array;
  issuerCn: string;
  subject: Uint8Array;
  subjectCn: string;
  notBefore: Date;
  notAfter: Date;
  /** Uncompressed P-256 point (65 bytes, 0x04 || x || y). */
  publicKey: Uint8Array;
  isCa: boolean;
  /** Extension contents (the OCTET STRING's value) by OID. */
  extensions: Map<string, Uint8Array>;
}

export interface ParsedCrl {
  raw: Uint8Array;
  tbs: Uint8Array;
  signature: Uint8Array;
  issuer: Uint8Array;
  issuerCn: string;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  /** Lower-case hex of each revoked serial number's contents. */
  revoked: Set<string>;
}

function readName(el: DerElement, code: ErrorCode): string {
  // Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue)
  const rdns = new DerReader(el.value, code, 'X.509 name');
  let cn = '';
  while (!rdns.done) {
    const set = rdns.enter(TAG.SET);
    while (!set.done) {
      const atv = set.enter(TAG.SEQUENCE);
      const oid = decodeOid(atv.next(TAG.OID).value);
      const value = atv.next();
      if (oid === OID_COMMON_NAME) cn = new TextDecoder().decode(value.value);
    }
  }
  return cn;
}

function readSignatureAlgorithm(r: DerReader): void {
  const alg = r.enter(TAG.SEQUENCE);
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid !== OID_ECDSA_SHA256) alg.fail(`signature algorithm ${oid} is not ecdsa-with-SHA256`);
}

function readSignature(r: DerReader, code: ErrorCode): Uint8Array {
  const bits = r.next(TAG.BIT_STRING).value;
  if (bits[0] !== 0) r.fail('signature BIT STRING has unused bits');
  return ecdsaDerToRaw(bits.subarray(1), 32, code);
}

function readTime(r: DerReader): Date {
  const el = r.next();
  const d = decodeTime(el);
  if (!d) r.fail('bad time');
  return d;
}

/** Parses a DER X.509 certificate with an ECDSA P-256 key. Throws `code` (ERR_EVIDENCE_MALFORMED or ERR_COLLATERAL_MALFORMED). */
export function parseCertificate(der: Uint8Array, code: ErrorCode): ParsedCertificate {
  const outer = new DerReader(der, code, 'X.509 certificate');
  const certEl = outer.next(TAG.SEQUENCE);
  const cert = new DerReader(certEl.value, code, 'X.509 certificate');
  const tbsEl = cert.next(TAG.SEQUENCE);
  readSignatureAlgorithm(cert);
  const signature = readSignature(cert, code);

  const tbs = new DerReader(tbsEl.value, code, 'X.509 TBSCertificate');
  tbs.optional(0xa0); // [0] version
  const serial = toHex(tbs.next(TAG.INTEGER).value);
  tbs.next(TAG.SEQUENCE); // signature algorithm, repeated
  const issuer = tbs.next(TAG.SEQUENCE);
  const validity = tbs.enter(TAG.SEQUENCE);
  const notBefore = readTime(validity);
  const notAfter = readTime(validity);
  const subject = tbs.next(TAG.SEQUENCE);
  const spki = tbs.enter(TAG.SEQUENCE);
  const alg = spki.enter(TAG.SEQUENCE);
  const keyOid = decodeOid(alg.next(TAG.OID).value);
  const curve = alg.done ? '' : decodeOid(alg.next(TAG.OID).value);
  if (keyOid !== OID_EC_PUBLIC_KEY || curve !== OID_P256) {
    throw new ConfideError('ERR_EVIDENCE_UNSUPPORTED', `certificate key is not ECDSA P-256`);
  }
  const keyBits = spki.next(TAG.BIT_STRING).value;
  if (keyBits.length !== 66 || keyBits[0] !== 0 || keyBits[1] !== 0x04) spki.fail('P-256 key is not an uncompressed point');
  const extensions = new Map<string, Uint8Array>();
  while (!tbs.done) {
    const el = tbs.next();
    if (el.tag !== 0xa3) continue; // [1]/[2] unique IDs are not used by Intel
    const exts = new DerReader(el.value, code, 'X.509 extensions').enter(TAG.SEQUENCE);
    while (!exts.done) {
      const ext = exts.enter(TAG.SEQUENCE);
      const oid = decodeOid(ext.next(TAG.OID).value);
      ext.optional(TAG.BOOLEAN);
      extensions.set(oid, ext.next(TAG.OCTET_STRING).value);
    }
  }
  let isCa = false;
  const bc = extensions.get(OID_BASIC_CONSTRAINTS);
  if (bc) {
    const seq = new DerReader(bc, code, 'basicConstraints').enter(TAG.SEQUENCE);
    const flag = seq.optional(TAG.BOOLEAN);
    isCa = flag !== undefined && flag.value[0] !== 0;
  }
  return {
    raw: certEl.raw,
    tbs: tbsEl.raw,
    signature,
    serial,
    issuer: issuer.raw,
    issuerCn: readName(issuer, code),
    subject: subject.raw,
    subjectCn: readName(subject, code),
    notBefore,
    notAfter,
    publicKey: keyBits.subarray(1),
    isCa,
    extensions,
  };
}

/** Parses a DER CRL signed with ECDSA P-256 / SHA-256. Throws `code`. */
export function parseCrl(der: Uint8Array, code: ErrorCode): ParsedCrl {
  const outer = new DerReader(der, code, 'CRL');
  const crlEl = outer.next(TAG.SEQUENCE);
  const crl = new DerReader(crlEl.value, code, 'CRL');
  const tbsEl = crl.next(TAG.SEQUENCE);
  readSignatureAlgorithm(crl);
  const signature = readSignature(crl, code);

  const tbs = new DerReader(tbsEl.value, code, 'CRL TBSCertList');
  tbs.optional(TAG.INTEGER); // version
  tbs.next(TAG.SEQUENCE); // signature algorithm
  const issuer = tbs.next(TAG.SEQUENCE);
  const thisUpdate = readTime(tbs);
  let nextUpdate: Date | undefined;
  const t = tbs.peekTag();
  if (t === TAG.UTC_TIME || t === TAG.GENERALIZED_TIME) nextUpdate = readTime(tbs);
  const revoked = new Set<string>();
  const list = tbs.optional(TAG.SEQUENCE);
  if (list) {
    const entries = new DerReader(list.value, code, 'CRL entries');
    while (!entries.done) {
      const entry = entries.enter(TAG.SEQUENCE);
      revoked.add(toHex(entry.next(TAG.INTEGER).value));
    }
  }
  return {
    raw: crlEl.raw,
    tbs: tbsEl.raw,
    signature,
    issuer: issuer.raw,
    issuerCn: readName(issuer, code),
    thisUpdate,
    nextUpdate,
    revoked,
  };
}
