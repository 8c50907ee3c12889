/**
 * The signature checks of SEV-SNP verification on WebCrypto. Public keys are imported once and
 * cached by their SPKI bytes, because a server sees the same ARK/ASK (and a host's VCEK) on
 * every request and importing an RSA-4096 key costs more than verifying with it.
 */
import { importKeyCached } from '../webcrypto/key-cache.js';
import { byteKey, sameBytes } from '../memo/cache.js';
import { defaultVerifyCache, type VerifyCache } from '../memo/verify-cache.js';
import type { AmdCertificate, AmdKeyKind, PssSignature } from './certificate.js';
import { SIZE } from './layout.js';

const IMPORT: Record<AmdKeyKind, RsaHashedImportParams | EcKeyImportParams> = {
  rsa: { name: 'RSA-PSS', hash: 'SHA-384' },
  'ec-p384': { name: 'ECDSA', namedCurve: 'P-384' },
};

/** The imported key for `spki`, from the cache when seen before. Rejects when WebCrypto refuses it. */
export function importKey(spki: Uint8Array, kind: AmdKeyKind, cache: VerifyCache = defaultVerifyCache): Promise<CryptoKey> {
  return importKeyCached(cache, `spki-${kind}`, spki, () => crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, IMPORT[kind], false, ['verify']));
}

/** Verifies an RSASSA-PSS/SHA-384 signature; false (never a throw) when it does not verify or the key is unusable. */
export async function verifyPss(spki: Uint8Array, alg: PssSignature, signature: Uint8Array, data: Uint8Array, cache: VerifyCache = defaultVerifyCache): Promise<boolean> {
  try {
    const key = await importKey(spki, 'rsa', cache);
    // RFC 8017 8.1.2, step 1: exactly the modulus's length; WebCrypto on Node would take a signature cut of its leading zero byte.
    if (signature.length !== Math.ceil((key.algorithm as RsaHashedKeyAlgorithm).modulusLength / 8)) return false;
    return await crypto.subtle.verify(
      { name: 'RSA-PSS', saltLength: alg.saltLength },
      key,
      signature as Uint8Array<ArrayBuffer>,
      data as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/** What a remembered link is charged besides the certificate and key bytes it holds. */
const LINK_OVERHEAD_BYTES = 128;

/**
 * Whether `issuer`'s key signed `cert`. A link that verified before (same certificate bytes,
 * same issuer key) is answered from a cache: the ARK->ASK link is the same on every request, and
 * a host's VCEK->ASK link on every report of that host. Checks of the same link in flight share
 * one verification; a link that fails to verify leaves the cache at once.
 */
export function verifyIssuedBy(cert: AmdCertificate, issuer: AmdCertificate, cache: VerifyCache = defaultVerifyCache): Promise<boolean> {
  // The signature's tail picks the slot; the full bytes decide the hit. SEV-SNP checks run on
  // WebCrypto only (VerifyContext.crypto covers P-256), so these verdicts need no crypto scope.
  const id = byteKey(cert.signature.subarray(-32));
  const hit = cache.get<{ cert: Uint8Array; issuerSpki: Uint8Array; ok: Promise<boolean> }>('link', id);
  if (hit && sameBytes(hit.cert, cert.raw) && sameBytes(hit.issuerSpki, issuer.spki)) return hit.ok;
  const ok = verifyPss(issuer.spki, cert.signatureAlgorithm, cert.signature, cert.tbs, cache);
  const entry = { cert: cert.raw.slice(), issuerSpki: issuer.spki.slice(), ok };
  cache.set('link', id, entry, entry.cert.length + entry.issuerSpki.length + LINK_OVERHEAD_BYTES);
  void ok.then((verified) => {
    if (!verified) cache.delete('link', id, entry);
  });
  return ok;
}

/** Little-endian, zero-extended 72-byte scalar to 48 big-endian bytes; undefined when it does not fit. */
function scalarFromLe(le: Uint8Array): Uint8Array | undefined {
  for (let i = SIZE.P384_SCALAR; i < le.length; i++) if (le[i] !== 0) return undefined;
  const be = new Uint8Array(SIZE.P384_SCALAR);
  for (let i = 0; i < SIZE.P384_SCALAR; i++) be[i] = le[SIZE.P384_SCALAR - 1 - i]!;
  return be;
}

/**
 * Verifies the report's ECDSA P-384/SHA-384 signature (R and S as the report stores them)
 * over `signed`; false when it does not verify.
 */
export async function verifyReportSignature(
  spki: Uint8Array,
  r: Uint8Array,
  s: Uint8Array,
  signed: Uint8Array,
  cache: VerifyCache = defaultVerifyCache,
): Promise<boolean> {
  const rBe = scalarFromLe(r);
  const sBe = scalarFromLe(s);
  if (!rBe || !sBe) return false;
  const raw = new Uint8Array(SIZE.P384_SCALAR * 2);
  raw.set(rBe, 0);
  raw.set(sBe, SIZE.P384_SCALAR);
  try {
    const key = await importKey(spki, 'ec-p384', cache);
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, key, raw, signed as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}
