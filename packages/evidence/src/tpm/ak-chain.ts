/**
 * The attestation key's certificate chain: the AK certificate (whose key must be the AK), any
 * intermediates the evidence brings, up to a root the configuration pins (TrustAnchors.tpmRoots).
 * No TPM root is pinned by default: which AK CAs to trust (a cloud's, a company's) is the
 * relying party's choice.
 */
import { timingSafeEqual } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { ecdsaDerToRaw } from '../asn1/der.js';
import { sameBytes as sameCachedBytes, tailKey } from '../memo/cache.js';
import type { VerifyCache } from '../memo/verify-cache.js';
import { importKeyCached } from '../webcrypto/key-cache.js';
import type { CachedCrypto } from '../webcrypto/p256.js';
import type { TpmCertificate } from './certificate.js';
import { keyBytes, keyJwk, sameKey, type TpmPublicKey } from './public-key.js';

/** Longest chain walked from the AK certificate to a root. */
const MAX_CHAIN_LENGTH = 8;

export interface AkChain {
  /** AK certificate first, the root last. */
  path: TpmCertificate[];
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

function label(cert: TpmCertificate, index: number): string {
  return cert.subjectCn ? `"${cert.subjectCn}"` : index === 0 ? 'the AK certificate' : `certificate ${index + 1}`;
}

/**
 * True when `issuer`'s key signed `cert`. A signature that verified is remembered by the exact
 * certificate bytes and issuer key (a cloud's AK chain comes with every attestation), under the
 * scope of the primitives that checked it; a changed byte misses and is checked afresh, and a
 * failure is never remembered.
 */
async function signedBy(cert: TpmCertificate, issuer: TpmCertificate, cc: CachedCrypto): Promise<boolean> {
  const alg = cert.signatureAlgorithm;
  const key = issuer.key;
  if ((alg.name === 'ECDSA') !== (key.kind === 'ec')) return false;
  const issuerKey = keyBytes(key);
  const id = `${alg.name}-${alg.hash}\0${tailKey(issuerKey)}\0${tailKey(cert.raw)}`;
  const region = cc.regions.tpmCertificates;
  const hit = cc.cache.get<{ raw: Uint8Array; issuerKey: Uint8Array }>(region, id);
  if (hit !== undefined && sameCachedBytes(hit.raw, cert.raw) && sameCachedBytes(hit.issuerKey, issuerKey)) return true;
  const ok = await verifySignedBy(cert, issuer, cc);
  if (ok) cc.cache.set(region, id, { raw: cert.raw.slice(), issuerKey }, cert.raw.length + issuerKey.length + id.length);
  return ok;
}

async function verifySignedBy(cert: TpmCertificate, issuer: TpmCertificate, cc: CachedCrypto): Promise<boolean> {
  const alg = cert.signatureAlgorithm;
  const key = issuer.key;
  const verifyRsa = cc.primitives.verifyRsa;
  if (verifyRsa && key.kind === 'rsa' && alg.name === 'RSASSA-PKCS1-v1_5') return verifyRsa(key, { name: alg.name, hash: alg.hash }, cert.signature, cert.tbs);
  return verifyOnWebCrypto(cert, issuer, cc.cache);
}

async function verifyOnWebCrypto(cert: TpmCertificate, issuer: TpmCertificate, cache: VerifyCache): Promise<boolean> {
  const alg = cert.signatureAlgorithm;
  const key = issuer.key;
  try {
    const params: RsaHashedImportParams | EcKeyImportParams = key.kind === 'ec' ? { name: 'ECDSA', namedCurve: key.curve } : { name: alg.name, hash: alg.hash };
    const imported = await importKeyCached(cache, `tpm-cert-${params.name}-${alg.hash}`, keyBytes(key), () =>
      crypto.subtle.importKey('jwk', keyJwk(key), params, false, ['verify']),
    );
    const signature = key.kind === 'ec' ? ecdsaDerToRaw(cert.signature, Math.ceil(key.bits / 8), 'ERR_EVIDENCE_MALFORMED') : cert.signature;
    const verifyParams = key.kind === 'ec' ? { name: 'ECDSA', hash: alg.hash } : alg.name;
    return await crypto.subtle.verify(verifyParams, imported, signature as Uint8Array<ArrayBuffer>, cert.tbs as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/**
 * Checks that `certs[0]` certifies `ak` and chains through the other certificates to one of
 * `roots`. Throws ERR_EVIDENCE_BINDING_MISMATCH (the certificate is for another key),
 * ERR_EVIDENCE_UNTRUSTED_ROOT (no root configured, or the chain ends at an unpinned one),
 * ERR_EVIDENCE_CHAIN_INVALID (an issuer that is no CA, a chain too long),
 * ERR_EVIDENCE_SIGNATURE_INVALID (a certificate not signed by its issuer).
 */
export async function verifyAkChain(ak: TpmPublicKey, certs: readonly TpmCertificate[], roots: readonly TpmCertificate[], cc: CachedCrypto): Promise<AkChain> {
  const leaf = certs[0]!;
  if (!sameKey(leaf.key, ak)) throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', 'the AK certificate certifies another key than the attestation key', { details: { field: 'akCertificate' } });
  if (roots.length === 0) throw new EvidenceError('ERR_EVIDENCE_UNTRUSTED_ROOT', 'an AK certificate was given but no TPM root is configured (trust anchors tpmRoots)');
  const path: TpmCertificate[] = [leaf];
  const pool = certs.slice(1);
  let current = leaf;
  for (;;) {
    if (path.length > MAX_CHAIN_LENGTH) throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `the AK chain is longer than ${MAX_CHAIN_LENGTH} certificates`);
    // The evidence may end with the pinned root itself.
    if (roots.some((r) => sameBytes(r.raw, current.raw))) return { path };
    const root = roots.find((r) => sameBytes(r.subject, current.issuer));
    if (root) {
      if (!(await signedBy(current, root, cc))) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `${label(current, path.length - 1)} is not signed by the root "${root.subjectCn}"`);
      path.push(root);
      return { path };
    }
    const next = pool.find((c) => sameBytes(c.subject, current.issuer) && !path.includes(c));
    if (!next) throw new EvidenceError('ERR_EVIDENCE_UNTRUSTED_ROOT', `the AK chain ends at "${current.issuerCn}", which is not a configured TPM root`);
    if (!next.isCa) throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `"${next.subjectCn}" issues ${label(current, path.length - 1)} but is not a CA certificate`);
    if (!(await signedBy(current, next, cc))) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `${label(current, path.length - 1)} is not signed by "${next.subjectCn}"`);
    path.push(next);
    current = next;
  }
}
