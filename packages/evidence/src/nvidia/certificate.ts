/**
 * X.509 certificates of NVIDIA's device identity PKI (RFC 5280 section 4.1): every certificate
 * from the device leaf to the NVIDIA Device Identity CA is signed with ECDSA P-384 / SHA-384
 * and holds a P-384 key. Parsed with the signed bytes kept.
 */
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';
import { DerReader, TAG, decodeOid, ecdsaDerToRaw, type DerElement } from '../asn1/der.js';
import { pemCertificates } from '../collateral/pem.js';
import { parseX509Certificate, readEcSpki, type EcCurve, type X509Certificate, type X509Profile } from '../asn1/x509.js';
import { P384_SCALAR_BYTES } from './layout.js';

const OID_ECDSA_SHA384 = '1.2.840.10045.4.3.3';
const P384: EcCurve = { oid: '1.3.132.0.34', name: 'P-384', scalarBytes: P384_SCALAR_BYTES };

export interface NvidiaCertificate extends X509Certificate {
  /** Raw r||s (96 bytes). */
  signature: Uint8Array;
  /** The SubjectPublicKeyInfo as WebCrypto imports it. */
  spki: Uint8Array;
}

function readAlgorithm(el: DerElement, code: EvidenceErrorCode, what: string): object {
  const alg = new DerReader(el.value, code, what);
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid !== OID_ECDSA_SHA384) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `NVIDIA certificate signature algorithm ${oid} is not ecdsa-with-SHA384`);
  return {};
}

function readKey(el: DerElement, code: EvidenceErrorCode, what: string): { spki: Uint8Array } {
  return { spki: readEcSpki(el, code, what, P384, 'NVIDIA certificate').spki };
}

const NVIDIA_PROFILE: X509Profile<object, { spki: Uint8Array }> = {
  label: 'NVIDIA',
  algorithm: readAlgorithm,
  signature: (bits, code) => ecdsaDerToRaw(bits, P384_SCALAR_BYTES, code),
  key: readKey,
  refuseTrailingBytes: true,
};

/** Parses one DER certificate. Throws `code` for broken DER, ERR_EVIDENCE_UNSUPPORTED for other algorithms. */
export function parseNvidiaCertificate(der: Uint8Array, code: EvidenceErrorCode = 'ERR_EVIDENCE_MALFORMED'): NvidiaCertificate {
  return parseX509Certificate(der, code, NVIDIA_PROFILE);
}

/** The DER certificates of a PEM chain (device leaf first). Throws `code` when it holds none or bad base64. */
export function nvidiaChainFromPem(pem: string, code: EvidenceErrorCode = 'ERR_EVIDENCE_MALFORMED'): Uint8Array[] {
  return pemCertificates(pem, code, 'the NVIDIA device certificate chain');
}
