/**
 * A policy-management signer held by this page only: the operator's private key (PKCS#8 PEM or
 * a private JWK) imported by WebCrypto as non-extractable, beside the certificate that goes in
 * the JWS's x5c header. The key never leaves this tab: it is not stored, and nothing but the
 * signatures it makes is sent. Isolated mode (attestation.mode) takes only JWSs signed this way
 * by a certificate among the policy-management certificates.
 */
import { digest, fromUtf8, pemBlocks, toBase64, toHex } from '@confide/core';
import { DerReader, TAG, decodeOid } from '@confide/evidence';
import { PageError } from '../api/page-error.js';

/** The JWS algorithms the page signs with, by the certificate's key (the server takes these and more). */
export type ManagementAlg = 'ES256' | 'ES384' | 'RS256';

export interface ManagementSigner {
  alg: ManagementAlg;
  /** Non-extractable, usage ['sign']. */
  key: CryptoKey;
  /** WebCrypto's sign parameters for `key`. */
  params: EcdsaParams | AlgorithmIdentifier;
  /** Standard base64 of the certificate's DER, as x5c holds it. */
  certificate: string;
  /** Uppercase hex SHA-1 of the DER: the thumbprint MAA names a certificate by. */
  thumbprint: string;
}

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';
const CURVES: Record<string, { alg: ManagementAlg; namedCurve: string; hash: string }> = {
  '1.2.840.10045.3.1.7': { alg: 'ES256', namedCurve: 'P-256', hash: 'SHA-256' },
  '1.3.132.0.34': { alg: 'ES384', namedCurve: 'P-384', hash: 'SHA-384' },
};

type Params = { name: 'ECDSA'; namedCurve: string; hash: string } | { name: 'RSASSA-PKCS1-v1_5'; hash: string };

function signParams(p: Params): EcdsaParams | AlgorithmIdentifier {
  return p.name === 'ECDSA' ? { name: 'ECDSA', hash: p.hash } : { name: p.name };
}

/** The SubjectPublicKeyInfo of a DER certificate and the algorithm its key signs with. Throws ERR_INPUT_UNREADABLE. */
function certificateKey(der: Uint8Array): { spki: Uint8Array; alg: ManagementAlg; params: Params } {
  const r = new DerReader(der, 'ERR_INPUT_UNREADABLE', 'management certificate');
  const tbs = r.enter(TAG.SEQUENCE).enter(TAG.SEQUENCE);
  tbs.optional(0xa0); // [0] version
  tbs.next(TAG.INTEGER); // serialNumber
  tbs.next(TAG.SEQUENCE); // signature algorithm
  tbs.next(TAG.SEQUENCE); // issuer
  tbs.next(TAG.SEQUENCE); // validity
  tbs.next(TAG.SEQUENCE); // subject
  const spki = tbs.next(TAG.SEQUENCE);
  const alg = new DerReader(spki.value, 'ERR_INPUT_UNREADABLE', 'management certificate key').enter(TAG.SEQUENCE);
  const oid = decodeOid(alg.next(TAG.OID).value);
  if (oid === OID_RSA) return { spki: spki.raw, alg: 'RS256', params: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
  const curve = oid === OID_EC_PUBLIC_KEY && !alg.done ? CURVES[decodeOid(alg.next(TAG.OID).value)] : undefined;
  if (!curve) throw new PageError('ERR_INPUT_UNREADABLE', 'the certificate holds neither an RSA key nor an EC key on P-256 or P-384');
  return { spki: spki.raw, alg: curve.alg, params: { name: 'ECDSA', namedCurve: curve.namedCurve, hash: curve.hash } };
}

/** The private key in PEM (PKCS#8) or JWK text, and the certificate in PEM or DER, from what the operator gave. */
function split(inputs: Uint8Array[]): { pkcs8?: Uint8Array; jwk?: JsonWebKey; certificate?: Uint8Array } {
  const found: { pkcs8?: Uint8Array; jwk?: JsonWebKey; certificate?: Uint8Array } = {};
  for (const bytes of inputs) {
    const text = fromUtf8(bytes).trim();
    if (text.startsWith('{')) {
      try {
        found.jwk = JSON.parse(text) as JsonWebKey;
      } catch {
        throw new PageError('ERR_INPUT_UNREADABLE', 'the JSON given is not a JWK');
      }
      continue;
    }
    if (!text.includes('-----BEGIN')) {
      // A certificate file in DER (a SEQUENCE).
      if (bytes[0] === TAG.SEQUENCE) found.certificate ??= bytes;
      continue;
    }
    for (const block of pemBlocks(text)) {
      if (block.label === 'PRIVATE KEY') found.pkcs8 = block.der;
      else if (block.label === 'CERTIFICATE') found.certificate ??= block.der;
      else if (block.label === 'EC PRIVATE KEY' || block.label === 'RSA PRIVATE KEY') {
        throw new PageError('ERR_INPUT_UNREADABLE', `a ${block.label} (SEC1/PKCS#1) is not read here; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem`);
      } else if (block.label === 'ENCRYPTED PRIVATE KEY') {
        throw new PageError('ERR_INPUT_UNREADABLE', 'an encrypted private key is not read here; decrypt it with: openssl pkcs8 -in key.pem');
      }
    }
  }
  return found;
}

const PROBE = new TextEncoder().encode('confide console: does this key match its certificate?');

/**
 * Imports the key (non-extractable) and checks that it matches the certificate by signing a probe
 * and verifying it with the certificate's key. Throws ERR_INPUT_UNREADABLE (no key or certificate,
 * an unreadable one) and ERR_POLICY_TOKEN_INVALID (the key is not the certificate's: the server
 * would refuse every JWS it signed with that code).
 */
export async function readManagementSigner(inputs: Uint8Array[]): Promise<ManagementSigner> {
  const { pkcs8, jwk, certificate } = split(inputs);
  if (!certificate) throw new PageError('ERR_INPUT_UNREADABLE', 'no certificate found: give the policy-management certificate (PEM or DER) with the key');
  if (!pkcs8 && !jwk) throw new PageError('ERR_INPUT_UNREADABLE', 'no private key found: give a PKCS#8 PEM (BEGIN PRIVATE KEY) or a private JWK');
  const { spki, alg, params } = certificateKey(certificate);
  let key: CryptoKey;
  try {
    // Strip any key_ops/ext the JWK names: the page decides, and it never exports the key.
    const importable = jwk ? { ...jwk, key_ops: undefined, ext: undefined, alg: undefined } : undefined;
    key = importable ? await crypto.subtle.importKey('jwk', importable, params, false, ['sign']) : await crypto.subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, params, false, ['sign']);
  } catch {
    throw new PageError('ERR_INPUT_UNREADABLE', `the private key cannot be read as a ${alg} key (the certificate's key type)`);
  }
  const publicKey = await crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, params, false, ['verify']);
  const probe = await crypto.subtle.sign(signParams(params), key, PROBE);
  if (!(await crypto.subtle.verify(signParams(params), publicKey, probe, PROBE))) {
    throw new PageError('ERR_POLICY_TOKEN_INVALID', "the private key is not the certificate's: the server would refuse what it signs");
  }
  const thumbprint = toHex(await digest('SHA-1', certificate)).toUpperCase();
  return { alg, key, params: signParams(params), certificate: toBase64(certificate), thumbprint };
}
