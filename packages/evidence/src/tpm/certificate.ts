/**
 * X.509 certificates of TPM attestation-key PKIs (a cloud's AK CA, a TPM maker's EK CA): RSA
 * PKCS #1 v1.5 or ECDSA signatures with SHA-256/384/512 (RFC 4055, RFC 5758), RSA or EC keys,
 * parsed with the exact signed bytes kept.
 */
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';
import { DerReader, TAG, decodeOid, type DerElement } from '../asn1/der.js';
import { parseX509Certificate, type X509Certificate, type X509Profile } from '../asn1/x509.js';
import { keyFromSpki, type TpmPublicKey } from './public-key.js';

export interface CertSignatureAlgorithm {
  name: 'RSASSA-PKCS1-v1_5' | 'ECDSA';
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

const SIGNATURE_ALGORITHMS: Record<string, CertSignatureAlgorithm> = {
  '1.2.840.113549.1.1.11': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  '1.2.840.10045.4.3.2': { name: 'ECDSA', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ECDSA', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ECDSA', hash: 'SHA-512' },
};

export interface TpmCertificate extends X509Certificate {
  signatureAlgorithm: CertSignatureAlgorithm;
  /** The subject's key. */
  key: TpmPublicKey;
  /** The DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
}

function readAlgorithm(el: DerElement, code: EvidenceErrorCode, what: string): { signatureAlgorithm: CertSignatureAlgorithm } {
  const oid = decodeOid(new DerReader(el.value, code, what).next(TAG.OID).value);
  const alg = SIGNATURE_ALGORITHMS[oid];
  if (!alg) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `${what}: signature algorithm ${oid} is not RSA PKCS #1 v1.5 or ECDSA with SHA-256/384/512`);
  return { signatureAlgorithm: alg };
}

const TPM_PROFILE: X509Profile<{ signatureAlgorithm: CertSignatureAlgorithm }, { key: TpmPublicKey; spki: Uint8Array }> = {
  label: 'TPM',
  algorithm: readAlgorithm,
  key: (spki, code) => ({ key: keyFromSpki(spki.raw, code === 'ERR_COLLATERAL_MALFORMED' ? code : 'ERR_EVIDENCE_MALFORMED'), spki: spki.raw }),
  refuseTrailingBytes: true,
};

/** Parses a DER certificate of an AK PKI. Throws `code` for broken DER, ERR_EVIDENCE_UNSUPPORTED for other algorithms. */
export function parseTpmCertificate(der: Uint8Array, code: EvidenceErrorCode = 'ERR_EVIDENCE_MALFORMED'): TpmCertificate {
  return parseX509Certificate(der, code, TPM_PROFILE);
}
