/**
 * The intermediate as a marble-certificate issuer: its subject name, authority key identifier
 * and signing key, worked out once per intermediate and reused by every activation until a
 * manifest update rotates it (the cache is keyed by the intermediate certificate itself).
 */
import { pemDecode } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import * as x509 from '@peculiar/x509';
import { caSigningKey } from './keys.js';
import { DerReader, TAG } from '@confide/evidence';
import type { CoordinatorPki } from './types.js';

/** [0] EXPLICIT version: present in every v3 TBSCertificate (RFC 5280 4.1). */
const TAG_VERSION = 0xa0;
/** Issuers kept: the current intermediate and the one before it (activations in flight across a rotation). */
const CACHE_SIZE = 2;

export interface Issuer {
  /** The intermediate certificate (PEM) this issuer is: its identity. */
  certPem: string;
  /** DER of the intermediate's subject Name, as in its certificate: the leaf's issuer. */
  subject: Uint8Array;
  /** DER of the leaf's AuthorityKeyIdentifier extension (the intermediate's key identifier). */
  authorityKeyIdentifier: Uint8Array;
  signingKey: CryptoKey;
}

const cache = new Map<string, Promise<Issuer>>();

/** DER of the subject Name of a v3 certificate, as in it. Throws ERR_INTERNAL. */
function subjectOf(der: Uint8Array): Uint8Array {
  const tbs = new DerReader(der, 'ERR_INTERNAL', 'coordinator PKI state: the intermediate certificate').enter(TAG.SEQUENCE).enter(TAG.SEQUENCE);
  // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, …
  tbs.next(TAG_VERSION);
  tbs.next(TAG.INTEGER);
  for (let i = 0; i < 3; i++) tbs.next(TAG.SEQUENCE);
  return tbs.next(TAG.SEQUENCE).raw;
}

async function load(pki: CoordinatorPki): Promise<Issuer> {
  const der = pemDecode(pki.intermediateCert, 'CERTIFICATE', (message) => new CoordinatorError('ERR_INTERNAL', message));
  if (!der) throw new CoordinatorError('ERR_INTERNAL', 'coordinator PKI state: the intermediate is not a PEM certificate');
  const subject = subjectOf(der);
  const intermediate = new x509.X509Certificate(der as Uint8Array<ArrayBuffer>);
  const [aki, signingKey] = await Promise.all([x509.AuthorityKeyIdentifierExtension.create(intermediate.publicKey), caSigningKey(pki.intermediateKey)]);
  return { certPem: pki.intermediateCert, subject, authorityKeyIdentifier: new Uint8Array(aki.rawData), signingKey };
}

/** The issuer for `pki`'s intermediate, from the cache when it is the same certificate. Throws ERR_INTERNAL. */
export function intermediateIssuer(pki: CoordinatorPki): Promise<Issuer> {
  let issuer = cache.get(pki.intermediateCert);
  if (!issuer) {
    issuer = load(pki);
    issuer.catch(() => cache.delete(pki.intermediateCert));
    cache.set(pki.intermediateCert, issuer);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return issuer;
}
