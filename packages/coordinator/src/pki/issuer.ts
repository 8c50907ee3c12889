/**
 * The intermediate as a marble-certificate issuer: its subject name, authority key identifier
 * and signing key, worked out once per intermediate and reused by every activation until a
 * manifest update rotates it (the cache is keyed by the intermediate certificate itself).
 */
import { ConfideError } from '@confide/core';
import { x509 } from './x509.js';
import { caSigningKey } from './keys.js';
import { DER, sequenceItems } from './der.js';
import { pemDecode } from './pem.js';
import type { CoordinatorPki } from './types.js';

/** Position of the subject Name in a v3 TBSCertificate (RFC 5280 4.1). */
const SUBJECT_INDEX_V3 = 5;
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

async function load(pki: CoordinatorPki): Promise<Issuer> {
  const der = pemDecode(pki.intermediateCert, 'CERTIFICATE');
  const tbs = der ? sequenceItems(der)?.[0] : undefined;
  const fields = tbs ? sequenceItems(tbs) : undefined;
  const subject = fields?.[0]?.[0] === DER.CONTEXT_0 ? fields[SUBJECT_INDEX_V3] : undefined;
  if (!der || !subject) throw new ConfideError('ERR_INTERNAL', 'coordinator PKI state: the intermediate is not a v3 PEM certificate');
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
