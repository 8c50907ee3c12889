/**
 * Intel's DCAP PKI: certificate chains to the pinned Intel SGX Root CA (pinned by key), their
 * validity at the verification time, and CRLs (issuer, signature, freshness, serials).
 */
import { ConfideError, deepFreeze, timingSafeEqual } from '@confide/core';
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';
import { parseCertificate, parseCrl, type ParsedCertificate, type ParsedCrl } from './certificate.js';
import { pemCertificates } from '../collateral/pem.js';
import { cachedCrypto, verifyP256Recurring, type CachedCrypto } from '../webcrypto/p256.js';
import type { PendingCheck } from './checks.js';
import { byteKey, sameBytes } from '../memo/cache.js';
import { defaultVerifyCache, type VerifyCache } from '../memo/verify-cache.js';
import { INTEL_SGX_ROOT_CA_KEY } from './roots.js';
import type { TrustAnchors } from '../types.js';

// Parsed chains and CRLs are remembered by their exact text / bytes: the same PCK CA, TCB signing
// chain and CRLs come with every quote. Only what parsed is kept; signatures are checked by the
// callers. A parsed value is charged this many times its input (the parsed copies and objects).
const PARSED_BYTES_PER_BYTE = 3;
// A CRL's signature ends its DER: its last bytes pick the slot, the full bytes decide a hit.
const CRL_KEY_TAIL_BYTES = 64;

/** Public keys (uncompressed points) accepted as the Intel SGX Root CA. Throws ERR_CONFIG_INVALID for an unusable anchor. */
export function pinnedRootKeys(anchors: TrustAnchors | undefined): Uint8Array[] {
  if (!anchors?.intelRoots) return [INTEL_SGX_ROOT_CA_KEY];
  return anchors.intelRoots.map((der) => {
    try {
      return parseCertificate(der, 'ERR_CONFIG_INVALID').publicKey;
    } catch (err) {
      throw new EvidenceError('ERR_CONFIG_INVALID', 'trustAnchors.intelRoots holds a certificate that is not an ECDSA P-256 certificate', { cause: err });
    }
  });
}

/**
 * Splits a PEM chain into parsed certificates (frozen; remembered by the exact text).
 * Throws `code` when it holds none or one does not parse.
 */
export function parsePemChain(pem: string, code: EvidenceErrorCode, what: string, cache: VerifyCache = defaultVerifyCache): readonly ParsedCertificate[] {
  const hit = cache.get<readonly ParsedCertificate[]>('chain', pem);
  if (hit) return hit;
  const ders = pemCertificates(pem.replace(/\0+$/, ''), code, what);
  const certs = deepFreeze(ders.map((der) => parseCertificate(der, code)));
  cache.set('chain', pem, certs, pem.length * PARSED_BYTES_PER_BYTE);
  return certs;
}

/** Items outside their validity at `at`, as `cert:<CN>`. */
export function certificateValidity(certs: readonly ParsedCertificate[], at: Date): string[] {
  const t = at.getTime();
  return certs.filter((c) => t < c.notBefore.getTime() || t > c.notAfter.getTime()).map((c) => `cert:${c.subjectCn}`);
}

/**
 * Checks the structure of a chain (leaf first, root last) synchronously and returns its
 * signature checks. Throws ERR_EVIDENCE_CHAIN_INVALID (broken issuer link, issuer not a CA)
 * and ERR_EVIDENCE_UNTRUSTED_ROOT (root key not pinned). `rootAlreadyChecked` skips the root's
 * self-signature when the same root certificate was checked in this verification already.
 * With `pem`, the text `certs` were parsed from (parsePemChain), a chain whose every link
 * verified is remembered under that text for these same parsed certificates.
 */
export function chainChecks(
  certs: readonly ParsedCertificate[],
  roots: Uint8Array[],
  what: string,
  rootAlreadyChecked = false,
  cc: CachedCrypto = cachedCrypto(),
  pem?: string,
): PendingCheck[] {
  if (certs.length < 2) throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `${what}: needs at least an issuer and a root, got ${certs.length} certificate(s)`);
  const root = certs[certs.length - 1]!;
  if (!roots.some((k) => timingSafeEqual(k, root.publicKey))) {
    throw new EvidenceError('ERR_EVIDENCE_UNTRUSTED_ROOT', `${what}: root "${root.subjectCn}" is not the pinned Intel SGX Root CA`);
  }
  const known = pem === undefined ? undefined : cc.cache.get<ChainVerdict>(cc.regions.chain, pem);
  const verified = known !== undefined && known.certs === certs && (known.rootChecked || rootAlreadyChecked);
  const checks: PendingCheck[] = [];
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]!;
    const issuer = certs[Math.min(i + 1, certs.length - 1)]!;
    if (!timingSafeEqual(cert.issuer, issuer.subject)) {
      throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `${what}: "${cert.subjectCn}" is not issued by "${issuer.subjectCn}"`);
    }
    if (cert !== issuer && !issuer.isCa) throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `${what}: "${issuer.subjectCn}" is not a CA`);
    if (cert === issuer && rootAlreadyChecked) continue;
    checks.push({
      name: `${what}:${cert.subjectCn}`,
      step: what === 'PCK chain' ? 'pck-chain' : 'collateral-chain',
      passed: cert === issuer ? 'self-signed by the pinned root' : 'signed by the next certificate of the chain, a CA',
      ok: verified ? VERIFIED : verifyP256Recurring(issuer.publicKey, cert.signature, cert.tbs, cc),
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: `${what}: signature on "${cert.subjectCn}" does not verify`,
    });
  }
  if (pem !== undefined && !verified) rememberChain(pem, certs, !rootAlreadyChecked, checks, cc);
  return checks;
}

/**
 * That every link of the chain parsed from a PEM text verified under one scope: the chain
 * object the parse cache holds for that exact text, and whether its root's self-signature was
 * among the links. A later chainChecks with that text and that same object skips the per-link
 * lookups; a reparsed chain (another object) or another scope misses, and is checked link by link.
 */
interface ChainVerdict {
  certs: readonly ParsedCertificate[];
  rootChecked: boolean;
}

const VERIFIED: Promise<boolean> = Promise.resolve(true);

function rememberChain(pem: string, certs: readonly ParsedCertificate[], rootChecked: boolean, checks: PendingCheck[], cc: CachedCrypto): void {
  void Promise.all(checks.map((c) => c.ok)).then((oks) => {
    // It holds the parsed chain, so it is charged as that chain is (it may outlive the chain's own entry).
    if (oks.every((ok) => ok)) cc.cache.set(cc.regions.chain, pem, { certs, rootChecked } satisfies ChainVerdict, pem.length * PARSED_BYTES_PER_BYTE);
  }, () => undefined);
}

export interface CrlUse {
  crl: ParsedCrl;
  /** Claim name when out of date: "pckCrl" or "rootCaCrl". */
  name: string;
  issuer: ParsedCertificate;
}

/** Parses a DER CRL from collateral (remembered while the same bytes come back). Throws ERR_COLLATERAL_MALFORMED. */
export function parseCollateralCrl(der: Uint8Array, name: string, cache: VerifyCache = defaultVerifyCache): ParsedCrl {
  const id = byteKey(der.subarray(-CRL_KEY_TAIL_BYTES));
  const hit = cache.get<{ der: Uint8Array; crl: ParsedCrl }>('crl', id);
  if (hit && sameBytes(hit.der, der)) return hit.crl;
  try {
    // Parsed from a copy, so that the views it keeps cannot change under the cache.
    const copy = der.slice();
    const crl = deepFreeze(parseCrl(copy, 'ERR_COLLATERAL_MALFORMED'));
    cache.set('crl', id, { der: copy, crl }, copy.length * PARSED_BYTES_PER_BYTE);
    return crl;
  } catch (err) {
    if (err instanceof ConfideError && err.code === 'ERR_COLLATERAL_MALFORMED') {
      throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${name}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Checks a CRL's issuer name synchronously and returns its signature check.
 * Throws ERR_COLLATERAL_MALFORMED when the CRL is not issued by `use.issuer`.
 */
export function crlChecks(use: CrlUse, cc: CachedCrypto = cachedCrypto()): PendingCheck[] {
  if (!timingSafeEqual(use.crl.issuer, use.issuer.subject)) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${use.name}: issued by "${use.crl.issuerCn}", expected "${use.issuer.subjectCn}"`);
  }
  return [
    {
      name: use.name,
      step: 'crl',
      passed: 'signed by its issuer of the PCK chain',
      ok: verifyP256Recurring(use.issuer.publicKey, use.crl.signature, use.crl.tbs, cc),
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: `${use.name}: signature does not verify under "${use.issuer.subjectCn}"`,
    },
  ];
}

/** The CRL's name when `at` is outside thisUpdate..nextUpdate. */
export function crlValidity(use: CrlUse, at: Date): string[] {
  const t = at.getTime();
  const { thisUpdate, nextUpdate } = use.crl;
  return t < thisUpdate.getTime() || (nextUpdate !== undefined && t > nextUpdate.getTime()) ? [use.name] : [];
}

/** Throws ERR_EVIDENCE_REVOKED when any certificate's serial is listed. Call only after the CRL's signature verified. */
export function assertNotRevoked(crl: CrlUse, certs: readonly ParsedCertificate[]): void {
  for (const cert of certs) {
    if (crl.crl.revoked.has(cert.serial)) {
      throw new EvidenceError('ERR_EVIDENCE_REVOKED', `"${cert.subjectCn}" (serial ${cert.serial}) is revoked by ${crl.name}`);
    }
  }
}
