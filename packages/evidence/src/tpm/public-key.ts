/**
 * The attestation key (AK) as a TPM or a certificate gives it: TPMT_PUBLIC, TPM2B_PUBLIC
 * (TCG TPM 2.0 Library Part 2, sections 12.2.4 and 12.2.5, big-endian), a DER
 * SubjectPublicKeyInfo, or its PEM. All become one key value (RSA modulus and exponent, or an EC
 * curve and point) that WebCrypto imports and that an AK certificate's key is compared with.
 */
import { concatBytes, digest, fromBase64, fromUtf8, pemBlocks, toBase64Url } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { BinaryReader } from '../binary-reader.js';
import { DerReader, TAG, decodeOid } from '../asn1/der.js';
import { TPM_ALG, TPM_ECC_CURVE, requireHash, type TpmHash } from './algorithms.js';
import { readSized } from './attest.js';
import { sameBytes } from '../memo/cache.js';

export type TpmCurve = 'P-256' | 'P-384' | 'P-521';

/** TPMA_OBJECT bits (Part 2, Table 31) that say what the key may do. */
const ATTR = { FIXED_TPM: 1 << 1, FIXED_PARENT: 1 << 4, SENSITIVE_DATA_ORIGIN: 1 << 5, RESTRICTED: 1 << 16, DECRYPT: 1 << 17, SIGN: 1 << 18 } as const;

/** What TPMT_PUBLIC says of the key (absent for an SPKI). */
export interface TpmObjectInfo {
  /** The exact TPMT_PUBLIC bytes (their hash is the key's name). */
  tpmtPublic: Uint8Array;
  nameAlg: TpmHash;
  attributes: number;
  /** Created in this TPM and never leaves it. */
  fixedTpm: boolean;
  /** May sign only digests the TPM computed itself: what makes a quote unforgeable by the key's user. */
  restricted: boolean;
  sign: boolean;
  decrypt: boolean;
  /** The key's own scheme hash, when TPMT_PUBLIC fixes one. */
  schemeHash: TpmHash | undefined;
}

interface KeyCommon {
  format: 'tpmt-public' | 'tpm2b-public' | 'spki' | 'jwk';
  object?: TpmObjectInfo;
}

export type TpmPublicKey =
  | (KeyCommon & { kind: 'rsa'; n: Uint8Array; e: Uint8Array; bits: number })
  | (KeyCommon & { kind: 'ec'; curve: TpmCurve; x: Uint8Array; y: Uint8Array; bits: number });

const CURVES: Record<number, { curve: TpmCurve; size: number }> = {
  [TPM_ECC_CURVE.NIST_P256]: { curve: 'P-256', size: 32 },
  [TPM_ECC_CURVE.NIST_P384]: { curve: 'P-384', size: 48 },
  [TPM_ECC_CURVE.NIST_P521]: { curve: 'P-521', size: 66 },
};

const CURVE_BY_NAME: Record<string, { curve: TpmCurve; size: number }> = Object.fromEntries(Object.values(CURVES).map((c) => [c.curve, c]));

const OID = {
  RSA: '1.2.840.113549.1.1.1',
  EC: '1.2.840.10045.2.1',
  'P-256': '1.2.840.10045.3.1.7',
  'P-384': '1.3.132.0.34',
  'P-521': '1.3.132.0.35',
} as const;

const MAX_RSA_BYTES = 1024;
const DEFAULT_RSA_EXPONENT = new Uint8Array([1, 0, 1]);

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `attestation key: ${message}`);
}

function unsupported(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `attestation key: ${message}`);
}

/** Big-endian bytes without leading zeros (a DER INTEGER's sign byte, a TPM's fixed width). */
function unsigned(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** TPMT_SYM_DEF_OBJECT (Part 2, 11.1.7): algorithm, then key bits and mode unless NULL. */
function skipSymmetric(r: BinaryReader): void {
  if (r.u16be('symmetric.algorithm') !== TPM_ALG.NULL) {
    r.u16be('symmetric.keyBits');
    r.u16be('symmetric.mode');
  }
}

/** TPMT_RSA_SCHEME / TPMT_ECC_SCHEME (Part 2, 11.2.4.2 and 11.2.5.6): scheme, then its details unless NULL. */
function readScheme(r: BinaryReader): TpmHash | undefined {
  const scheme = r.u16be('scheme');
  if (scheme === TPM_ALG.NULL) return undefined;
  const hashAlg = r.u16be('scheme.hashAlg');
  if (scheme === TPM_ALG.ECDAA) r.u16be('scheme.count');
  return requireHash(hashAlg, 'attestation key scheme');
}

function fromTpmtPublic(bytes: Uint8Array, format: 'tpmt-public' | 'tpm2b-public'): TpmPublicKey {
  const r = new BinaryReader(bytes, 'TPMT_PUBLIC');
  const type = r.u16be('type');
  const nameAlg = requireHash(r.u16be('nameAlg'), 'attestation key nameAlg');
  const attributes = r.u32be('objectAttributes');
  readSized(r, 'authPolicy', 64);
  let key: TpmPublicKey;
  let schemeHash: TpmHash | undefined;
  if (type === TPM_ALG.RSA) {
    skipSymmetric(r);
    schemeHash = readScheme(r);
    const bits = r.u16be('keyBits');
    const exponent = r.u32be('exponent');
    const n = readSized(r, 'unique.rsa', MAX_RSA_BYTES);
    if (n.length * 8 !== bits) malformed(`the modulus is ${n.length * 8} bits, keyBits says ${bits}`);
    const e = exponent === 0 ? DEFAULT_RSA_EXPONENT : unsigned(new Uint8Array([exponent >>> 24, (exponent >>> 16) & 255, (exponent >>> 8) & 255, exponent & 255]));
    key = { kind: 'rsa', format, n: unsigned(n), e, bits };
  } else if (type === TPM_ALG.ECC) {
    skipSymmetric(r);
    schemeHash = readScheme(r);
    const curveId = r.u16be('curveID');
    const kdf = r.u16be('kdf.scheme');
    if (kdf !== TPM_ALG.NULL) r.u16be('kdf.hashAlg');
    const curve = CURVES[curveId];
    if (!curve) unsupported(`ECC curve 0x${curveId.toString(16)} is not NIST P-256, P-384 or P-521`);
    const x = readSized(r, 'unique.ecc.x', curve.size);
    const y = readSized(r, 'unique.ecc.y', curve.size);
    key = { kind: 'ec', format, curve: curve.curve, x: padTo(x, curve.size), y: padTo(y, curve.size), bits: curve.size === 66 ? 521 : curve.size * 8 };
  } else {
    unsupported(`TPMT_PUBLIC type 0x${type.toString(16)} is neither RSA nor ECC`);
  }
  if (r.remaining !== 0) malformed(`${r.remaining} bytes after TPMT_PUBLIC`);
  key.object = {
    tpmtPublic: bytes,
    nameAlg,
    attributes,
    fixedTpm: (attributes & ATTR.FIXED_TPM) !== 0,
    restricted: (attributes & ATTR.RESTRICTED) !== 0,
    sign: (attributes & ATTR.SIGN) !== 0,
    decrypt: (attributes & ATTR.DECRYPT) !== 0,
    schemeHash,
  };
  return key;
}

function padTo(b: Uint8Array, size: number): Uint8Array {
  if (b.length === size) return b;
  const out = new Uint8Array(size);
  out.set(b, size - b.length);
  return out;
}

/**
 * Reads a DER SubjectPublicKeyInfo (RFC 5280 4.1.2.7) with an RSA (RFC 8017 A.1.1) or EC
 * (RFC 5480) key. Throws `code` for broken DER, ERR_EVIDENCE_UNSUPPORTED for another key type.
 */
export function keyFromSpki(spki: Uint8Array, code: 'ERR_EVIDENCE_MALFORMED' | 'ERR_COLLATERAL_MALFORMED' = 'ERR_EVIDENCE_MALFORMED'): TpmPublicKey {
  const outer = new DerReader(spki, code, 'SubjectPublicKeyInfo');
  const seq = outer.enter(TAG.SEQUENCE);
  if (!outer.done) outer.fail('trailing bytes');
  const alg = seq.enter(TAG.SEQUENCE);
  const oid = decodeOid(alg.next(TAG.OID).value);
  const bits = seq.next(TAG.BIT_STRING).value;
  if (bits[0] !== 0) seq.fail('key BIT STRING has unused bits');
  const body = bits.subarray(1);
  if (oid === OID.RSA) {
    const rsa = new DerReader(body, code, 'RSAPublicKey').enter(TAG.SEQUENCE);
    const n = unsigned(rsa.next(TAG.INTEGER).value);
    const e = unsigned(rsa.next(TAG.INTEGER).value);
    if (n.length > MAX_RSA_BYTES) unsupported(`an RSA modulus of ${n.length} bytes`);
    return { kind: 'rsa', format: 'spki', n, e, bits: n.length * 8 };
  }
  if (oid === OID.EC) {
    const curveOid = alg.done ? '' : decodeOid(alg.next(TAG.OID).value);
    const curve = (['P-256', 'P-384', 'P-521'] as const).find((c) => OID[c] === curveOid);
    if (!curve) unsupported(`EC curve ${curveOid || '(none)'} is not P-256, P-384 or P-521`);
    const size = curve === 'P-521' ? 66 : curve === 'P-256' ? 32 : 48;
    if (body.length !== 1 + 2 * size || body[0] !== 0x04) throw new EvidenceError(code, 'SubjectPublicKeyInfo: the EC key is not an uncompressed point');
    return { kind: 'ec', format: 'spki', curve, x: body.subarray(1, 1 + size), y: body.subarray(1 + size), bits: curve === 'P-521' ? 521 : size * 8 };
  }
  unsupported(`key algorithm ${oid} is neither RSA nor EC`);
}

/**
 * Parses an attestation key given as TPM2B_PUBLIC, TPMT_PUBLIC, DER SubjectPublicKeyInfo, or
 * PEM "PUBLIC KEY" text. Throws ERR_EVIDENCE_MALFORMED, ERR_EVIDENCE_UNSUPPORTED.
 */
export function parseTpmPublicKey(bytes: Uint8Array): TpmPublicKey {
  // A TPMT_PUBLIC starts with its type (0x0001 or 0x0023), never with a size that fits the rest.
  if (bytes.length > 2 && ((bytes[0]! << 8) | bytes[1]!) === bytes.length - 2) return fromTpmtPublic(bytes.subarray(2), 'tpm2b-public');
  if (bytes[0] === 0x30) return keyFromSpki(bytes);
  if (bytes[0] === 0x2d /* '-' */) {
    const der = pemBlocks(fromUtf8(bytes), (message) => new EvidenceError('ERR_EVIDENCE_MALFORMED', message)).filter((b) => b.label === 'PUBLIC KEY').map((b) => b.der);
    if (der.length !== 1) malformed(`expected one PEM PUBLIC KEY block, found ${der.length}`);
    return keyFromSpki(der[0]!);
  }
  return fromTpmtPublic(bytes, 'tpmt-public');
}

/** nameAlg (u16) || H_nameAlg(TPMT_PUBLIC) (Part 1, 16 "Names"): what TPM2_CertifyCreation names the key by. */
export async function tpmObjectName(object: TpmObjectInfo): Promise<Uint8Array> {
  const alg = new Uint8Array([object.nameAlg.alg >> 8, object.nameAlg.alg & 255]);
  return concatBytes(alg, await digest(object.nameAlg.webcrypto, object.tpmtPublic));
}

/** Whether two keys are the same key (modulus and exponent, or curve and point). */
export function sameKey(a: TpmPublicKey, b: TpmPublicKey): boolean {
  if (a.kind === 'rsa' && b.kind === 'rsa') return sameBytes(a.n, b.n) && sameBytes(a.e, b.e);
  if (a.kind === 'ec' && b.kind === 'ec') return a.curve === b.curve && sameBytes(a.x, b.x) && sameBytes(a.y, b.y);
  return false;
}

/** The key as a JWK WebCrypto imports. */
export function keyJwk(key: TpmPublicKey): JsonWebKey {
  return key.kind === 'rsa'
    ? { kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e), ext: true }
    : { kty: 'EC', crv: key.curve, x: toBase64Url(key.x), y: toBase64Url(key.y), ext: true };
}

/**
 * Reads a public JWK (RFC 7518 6.2, 6.3: RSA `n`/`e`, or EC `crv`/`x`/`y` on P-256, P-384, P-521),
 * as an Azure HCL report's runtime data gives the vTPM's keys. Throws ERR_EVIDENCE_MALFORMED,
 * ERR_EVIDENCE_UNSUPPORTED (another key type or curve).
 */
export function keyFromJwk(jwk: Record<string, unknown>, what: string): TpmPublicKey {
  const part = (name: string): Uint8Array => {
    const v = jwk[name];
    if (typeof v !== 'string' || v === '') malformed(`${what}: "${name}" is not a base64url string`);
    try {
      return fromBase64(v);
    } catch {
      malformed(`${what}: "${name}" is not base64url`);
    }
  };
  if (jwk['kty'] === 'RSA') {
    const n = unsigned(part('n'));
    if (n.length > MAX_RSA_BYTES) unsupported(`${what}: an RSA modulus of ${n.length} bytes`);
    return { kind: 'rsa', format: 'jwk', n, e: unsigned(part('e')), bits: n.length * 8 };
  }
  if (jwk['kty'] === 'EC') {
    const curve = CURVE_BY_NAME[String(jwk['crv'])];
    if (!curve) unsupported(`${what}: EC curve ${String(jwk['crv'])} is not P-256, P-384 or P-521`);
    const x = part('x');
    const y = part('y');
    if (x.length !== curve.size || y.length !== curve.size) malformed(`${what}: EC coordinates are not ${curve.size} bytes`);
    return { kind: 'ec', format: 'jwk', curve: curve.curve, x, y, bits: curve.size === 66 ? 521 : curve.size * 8 };
  }
  unsupported(`${what}: key type ${String(jwk['kty'])} is neither RSA nor EC`);
}

/** Bytes that identify the key, for the import cache. */
export function keyBytes(key: TpmPublicKey): Uint8Array {
  return key.kind === 'rsa'
    ? concatBytes(new Uint8Array([0x52, key.n.length >> 8, key.n.length & 255]), key.n, key.e)
    : concatBytes(new Uint8Array([0x45, key.x.length]), key.x, key.y);
}
