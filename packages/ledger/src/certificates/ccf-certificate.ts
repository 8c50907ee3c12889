/**
 * Certificates as CCF issues them: the service identity (self-signed, `CN=CCF Network`) and node
 * certificates (`CN=CCF Node`), ECDSA on P-256 or P-384, signed with SHA-256 or SHA-384. Parsed
 * with the signed bytes kept, by the evidence package's X.509 reader.
 */
import { CoreError, isConfideError, pemDecode, pemEncode } from '@confide/core';
import { DerReader, TAG, decodeOid, parseX509Certificate, type DerElement, type ParsedX509Certificate, type X509Profile } from '@confide/evidence';
import { malformed } from '../json/strict.js';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const CURVES: Record<string, { namedCurve: 'P-256' | 'P-384'; scalarBytes: number }> = {
  '1.2.840.10045.3.1.7': { namedCurve: 'P-256', scalarBytes: 32 },
  '1.3.132.0.34': { namedCurve: 'P-384', scalarBytes: 48 },
};
const SIGNATURE_HASHES: Record<string, 'SHA-256' | 'SHA-384'> = {
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
};

/** A parsed CCF certificate: its signed parts, its EC key and the hash its issuer signed with. */
export interface CcfCertificate extends ParsedX509Certificate {
  /** SubjectPublicKeyInfo DER, as WebCrypto imports it and CCF hashes it into the node id. */
  spki: Uint8Array;
  namedCurve: 'P-256' | 'P-384';
  scalarBytes: number;
  /** The hash of the issuer's signature over `tbs`; `signature` is the DER ECDSA-Sig-Value. */
  signatureHash: 'SHA-256' | 'SHA-384';
}

const PROFILE: X509Profile<{ signatureHash: 'SHA-256' | 'SHA-384' }, { spki: Uint8Array; namedCurve: 'P-256' | 'P-384'; scalarBytes: number }> = {
  label: 'CCF',
  algorithm(el: DerElement, code, what) {
    const alg = new DerReader(el.value, code, what);
    const oid = decodeOid(alg.next(TAG.OID).value);
    const signatureHash = SIGNATURE_HASHES[oid];
    if (!signatureHash) return alg.fail(`signature algorithm ${oid} is not ECDSA with SHA-256 or SHA-384`);
    return { signatureHash };
  },
  key(el: DerElement, code, what) {
    const spki = new DerReader(el.value, code, what);
    const alg = spki.enter(TAG.SEQUENCE);
    const keyOid = decodeOid(alg.next(TAG.OID).value);
    const curve = alg.done ? undefined : CURVES[decodeOid(alg.next(TAG.OID).value)];
    if (keyOid !== OID_EC_PUBLIC_KEY || !curve) return spki.fail('key is not ECDSA P-256 or P-384');
    return { spki: el.raw, ...curve };
  },
  refuseTrailingBytes: true,
};

/** Parses certificate DER. Throws ERR_LEDGER_RECEIPT_MALFORMED naming `field`. */
function parseDer(der: Uint8Array, field: string): CcfCertificate {
  try {
    return parseX509Certificate(der, 'ERR_EVIDENCE_MALFORMED', PROFILE);
  } catch (err) {
    if (isConfideError(err)) throw malformed(field, err.message);
    throw err;
  }
}

/**
 * Reads one PEM certificate of a receipt, refusing any text but its canonical PEM (64-character
 * lines, LF, the final LF optional): another spelling of the same DER would be a changed receipt
 * that still verifies. Throws ERR_LEDGER_RECEIPT_MALFORMED naming `field`.
 */
export function parseCcfCertificate(pem: string, field: string): CcfCertificate {
  const fail = (message: string) => malformed(field, message);
  const der = pemDecode(pem, 'CERTIFICATE', fail);
  if (!der) throw fail('no PEM certificate');
  const canonical = pemEncode('CERTIFICATE', der);
  if (pem !== canonical && pem + '\n' !== canonical) throw fail('not a single canonical PEM certificate');
  return parseDer(der, field);
}

/**
 * The service identity the verifier trusts, from a PEM file or the identity service (which may
 * append a NUL): its first certificate, however the text is laid out. Throws ERR_INPUT_UNREADABLE.
 */
export function parseServiceIdentity(pem: string): CcfCertificate {
  const unreadable = (message: string) => new CoreError('ERR_INPUT_UNREADABLE', `service identity: ${message}`);
  const der = pemDecode(pem, 'CERTIFICATE', unreadable);
  if (!der) throw unreadable('no PEM certificate');
  try {
    return parseDer(der, 'serviceIdentity');
  } catch (err) {
    if (isConfideError(err)) throw unreadable(err.message);
    throw err;
  }
}
