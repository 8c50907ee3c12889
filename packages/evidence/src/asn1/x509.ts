/**
 * The X.509 certificate and CRL structure (RFC 5280 sections 4.1 and 5.1), parsed with the exact
 * signed bytes kept. Intel's PCK PKI and AMD's KDS PKI differ only in their signature algorithms
 * and key types, so each brings a profile that reads and vets those parts; the rest is here.
 */
import { toHex } from '@confide/core';
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';
import { DerReader, TAG, decodeOid, decodeTime, type DerElement } from './der.js';

const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
/** One decoder for every name: decode() without streaming keeps no state between calls, and making one costs more than a short decode. */
const UTF8 = new TextDecoder();

/** A named curve a certificate's key must be on: its OID, its name for messages, its scalar size. */
export interface EcCurve {
  oid: string;
  name: string;
  scalarBytes: number;
}

/**
 * Reads an EC SubjectPublicKeyInfo on `curve`: the whole SPKI (as WebCrypto imports it) and the
 * uncompressed point (0x04 || x || y). Throws ERR_EVIDENCE_UNSUPPORTED for another key type or
 * curve (naming `label`), `code` for a point that is not uncompressed or of the wrong size.
 */
export function readEcSpki(el: DerElement, code: EvidenceErrorCode, what: string, curve: EcCurve, label: string): { spki: Uint8Array; point: Uint8Array } {
  const spki = new DerReader(el.value, code, what);
  const alg = spki.enter(TAG.SEQUENCE);
  const keyOid = decodeOid(alg.next(TAG.OID).value);
  const curveOid = alg.done ? '' : decodeOid(alg.next(TAG.OID).value);
  if (keyOid !== OID_EC_PUBLIC_KEY || curveOid !== curve.oid) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `${label} key is not ECDSA ${curve.name}`);
  // The BIT STRING: unused-bits byte 0, then 0x04, x, y.
  const bits = spki.next(TAG.BIT_STRING).value;
  if (bits.length !== 2 + 2 * curve.scalarBytes || bits[0] !== 0 || bits[1] !== 0x04) spki.fail(`${curve.name} key is not an uncompressed point`);
  return { spki: el.raw, point: bits.subarray(1) };
}
/** Context-specific tags of TBSCertificate (RFC 5280 section 4.1): [0] version, [3] extensions. */
const TAG_VERSION = 0xa0;
const TAG_EXTENSIONS = 0xa3;

/** What every parsed certificate holds, whichever PKI issued it. */
export interface X509Certificate {
  raw: Uint8Array;
  /** The exact TBSCertificate bytes the issuer signed. */
  tbs: Uint8Array;
  signature: Uint8Array;
  /** Lower-case hex of the serial number's contents. */
  serial: string;
  issuer: Uint8Array;
  issuerCn: string;
  subject: Uint8Array;
  subjectCn: string;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** Extension contents (the OCTET STRING's value) by OID. */
  extensions: Map<string, Uint8Array>;
}

/** What every parsed CRL holds, whichever PKI issued it. */
export interface X509Crl {
  raw: Uint8Array;
  /** The exact TBSCertList bytes the issuer signed. */
  tbs: Uint8Array;
  signature: Uint8Array;
  issuer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  /** Lower-case hex of each revoked serial number's contents. */
  revoked: Set<string>;
}

/**
 * The parts one PKI decides for everything it signs. `A` is merged into the parsed result, so a
 * profile adds the fields its verifier needs (PSS parameters, say).
 */
export interface SignedProfile<A extends object> {
  /** Names the PKI in error messages: `${label} certificate`, `${label} TBSCertList`, … */
  label: string;
  /** Reads and vets the outer signatureAlgorithm; throws for one the PKI does not use. */
  algorithm(el: DerElement, code: EvidenceErrorCode, what: string): A;
  /** The signature value from the BIT STRING's contents; as they are when absent. */
  signature?(bits: Uint8Array, code: EvidenceErrorCode): Uint8Array;
}

/** The parts one PKI decides for its certificates; `K` is merged into the parsed certificate (a key point, an SPKI). */
export interface X509Profile<A extends object, K extends object> extends SignedProfile<A> {
  /** Reads and vets the SubjectPublicKeyInfo; throws for a key type the PKI does not use. */
  key(spki: DerElement, code: EvidenceErrorCode, what: string): K;
  /** Refuse bytes after a certificate's DER. */
  refuseTrailingBytes?: boolean;
}

/** id-at-commonName (2.5.4.3) as the contents of its OBJECT IDENTIFIER. */
const COMMON_NAME_OID_BYTES = [0x55, 0x04, 0x03];

/** Whether an OBJECT IDENTIFIER's contents are id-at-commonName, compared as bytes: a name has several attributes, and decoding each OID to text cost more than the rest of the name. */
function isCommonName(oid: Uint8Array): boolean {
  return oid.length === 3 && oid[0] === COMMON_NAME_OID_BYTES[0] && oid[1] === COMMON_NAME_OID_BYTES[1] && oid[2] === COMMON_NAME_OID_BYTES[2];
}

/** The CN in a DER Name ('' when it has none; the last one when several). Throws `code`. */
export function commonName(name: Uint8Array, code: EvidenceErrorCode): string {
  // Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue)
  const rdns = new DerReader(name, code, 'X.509 name').enter(TAG.SEQUENCE);
  let cn = '';
  while (!rdns.done) {
    const set = rdns.enter(TAG.SET);
    while (!set.done) {
      const atv = set.enter(TAG.SEQUENCE);
      const oid = atv.next(TAG.OID).value;
      const value = atv.next();
      if (isCommonName(oid)) cn = UTF8.decode(value.value);
    }
  }
  return cn;
}

function readTime(r: DerReader): Date {
  const d = decodeTime(r.next());
  if (!d) r.fail('bad time');
  return d;
}

/**
 * The signed envelope shared by certificates and CRLs: SEQUENCE { tbs, signatureAlgorithm,
 * signatureValue }. The algorithm is vetted before the signature is read, so an unsupported
 * algorithm is reported as such even when its signature would not decode.
 */
function readSigned<A extends object>(der: Uint8Array, code: EvidenceErrorCode, what: string, profile: SignedProfile<A>, exact: boolean) {
  const outer = new DerReader(der, code, what);
  const el = outer.next(TAG.SEQUENCE);
  if (exact && !outer.done) outer.fail('trailing bytes after the certificate');
  const r = new DerReader(el.value, code, what);
  const tbs = r.next(TAG.SEQUENCE);
  const algorithm = profile.algorithm(r.next(TAG.SEQUENCE), code, what);
  const bits = r.next(TAG.BIT_STRING).value;
  if (bits[0] !== 0) r.fail('signature BIT STRING has unused bits');
  const value = bits.subarray(1);
  return { raw: el.raw, tbs, algorithm, signature: profile.signature ? profile.signature(value, code) : value };
}

function readExtensions(tbs: DerReader, code: EvidenceErrorCode): Map<string, Uint8Array> {
  const extensions = new Map<string, Uint8Array>();
  while (!tbs.done) {
    const el = tbs.next();
    if (el.tag !== TAG_EXTENSIONS) continue; // [1]/[2] unique identifiers: unused by Intel and AMD
    const exts = new DerReader(el.value, code, 'X.509 extensions').enter(TAG.SEQUENCE);
    while (!exts.done) {
      const ext = exts.enter(TAG.SEQUENCE);
      const oid = decodeOid(ext.next(TAG.OID).value);
      ext.optional(TAG.BOOLEAN);
      extensions.set(oid, ext.next(TAG.OCTET_STRING).value);
    }
  }
  return extensions;
}

function basicConstraintsCa(extensions: Map<string, Uint8Array>, code: EvidenceErrorCode): boolean {
  const bc = extensions.get(OID_BASIC_CONSTRAINTS);
  if (!bc) return false;
  const flag = new DerReader(bc, code, 'basicConstraints').enter(TAG.SEQUENCE).optional(TAG.BOOLEAN);
  return flag !== undefined && flag.value[0] !== 0;
}

/** Parses a DER certificate under `profile`. Throws `code` for broken DER, and what the profile throws. */
export function parseX509Certificate<A extends object, K extends object>(der: Uint8Array, code: EvidenceErrorCode, profile: X509Profile<A, K>): X509Certificate & A & K {
  const signed = readSigned(der, code, `${profile.label} certificate`, profile, profile.refuseTrailingBytes === true);
  const what = `${profile.label} TBSCertificate`;
  const tbs = new DerReader(signed.tbs.value, code, what);
  tbs.optional(TAG_VERSION);
  const serial = toHex(tbs.next(TAG.INTEGER).value);
  tbs.next(TAG.SEQUENCE); // signature algorithm, repeated inside the signed part
  const issuer = tbs.next(TAG.SEQUENCE);
  const validity = tbs.enter(TAG.SEQUENCE);
  const notBefore = readTime(validity);
  const notAfter = readTime(validity);
  const subject = tbs.next(TAG.SEQUENCE);
  const key = profile.key(tbs.next(TAG.SEQUENCE), code, what);
  const extensions = readExtensions(tbs, code);
  const isCa = basicConstraintsCa(extensions, code);
  return {
    raw: signed.raw,
    tbs: signed.tbs.raw,
    ...signed.algorithm,
    signature: signed.signature,
    serial,
    issuer: issuer.raw,
    issuerCn: commonName(issuer.raw, code),
    subject: subject.raw,
    subjectCn: commonName(subject.raw, code),
    notBefore,
    notAfter,
    ...key,
    isCa,
    extensions,
  };
}

/** Parses a DER CRL under `profile`. Throws `code` for broken DER, and what the profile throws. */
export function parseX509Crl<A extends object>(der: Uint8Array, code: EvidenceErrorCode, profile: SignedProfile<A>): X509Crl & A {
  const signed = readSigned(der, code, `${profile.label} CRL`, profile, false);
  const tbs = new DerReader(signed.tbs.value, code, `${profile.label} TBSCertList`);
  tbs.optional(TAG.INTEGER); // version
  tbs.next(TAG.SEQUENCE); // signature algorithm
  const issuer = tbs.next(TAG.SEQUENCE);
  const thisUpdate = readTime(tbs);
  const next = tbs.peekTag();
  const nextUpdate = next === TAG.UTC_TIME || next === TAG.GENERALIZED_TIME ? readTime(tbs) : undefined;
  const revoked = new Set<string>();
  const list = tbs.optional(TAG.SEQUENCE);
  if (list) {
    const entries = new DerReader(list.value, code, `${profile.label} CRL entries`);
    while (!entries.done) revoked.add(toHex(entries.enter(TAG.SEQUENCE).next(TAG.INTEGER).value));
  }
  return { raw: signed.raw, tbs: signed.tbs.raw, ...signed.algorithm, signature: signed.signature, issuer: issuer.raw, thisUpdate, nextUpdate, revoked };
}
