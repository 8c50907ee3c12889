/**
 * The cryptographic checks of an Intel quote that need no collateral: the attestation key's
 * signature over header and body, the QE report's binding of that key, the QE report's
 * signature by the PCK key, and the PCK chain to the pinned Intel SGX Root CA.
 */
import { concatBytes, deepFreeze, fromUtf8, isAllZero, timingSafeEqual, type Clock } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { ParsedCertificate } from './certificate.js';
import { settleChecks, type PendingCheck } from './checks.js';
import { cachedCrypto, uncompressedPoint, verifyP256Recurring, type CachedCrypto } from '../webcrypto/p256.js';
import { byteKey, sameBytes } from '../memo/cache.js';
import { defaultVerifyCache, type VerifyCache } from '../memo/verify-cache.js';
import { readPckExtensions, type PckExtensions } from './pck-extensions.js';
import { certificateValidity, chainChecks, parsePemChain, pinnedRootKeys } from './pki.js';
import { parseIntelQuote } from './quote-parser.js';
import type { IntelQuote } from './quote-types.js';
import type { TrustAnchors, VerifyCrypto } from '../types.js';

const PCK_PROCESSOR_CA_CN = 'Intel SGX PCK Processor CA';
const PCK_PLATFORM_CA_CN = 'Intel SGX PCK Platform CA';

/** The PCK chain of a quote, parsed: leaf, PCK CA, root. */
export interface PckChain {
  certs: readonly ParsedCertificate[];
  leaf: ParsedCertificate;
  ca: ParsedCertificate;
  root: ParsedCertificate;
  /** Which PCK CA issued the leaf, from the CA's common name. */
  caType: 'processor' | 'platform';
  extensions: PckExtensions;
  /** The PEM text the chain was parsed from. */
  pem: string;
}

// A platform sends the same PCK chain with every quote: parsed once per exact PEM bytes, and
// charged this many times them (the PEM text and, under it, the chain's certificates).
const PCK_BYTES_PER_BYTE = 4;
// The leading bytes pick the slot: the PEM header and the leaf's first DER bytes, which hold its
// serial number. The full bytes decide a hit, so that a lookup neither decodes nor hashes the
// whole chain (about 4 KB).
const PCK_SLOT_BYTES = 96;

/** Parses the PCK chain carried in a quote (frozen). Throws ERR_EVIDENCE_MALFORMED and ERR_EVIDENCE_CHAIN_INVALID. */
export function readPckChain(quote: IntelQuote, cache: VerifyCache = defaultVerifyCache): PckChain {
  const bytes = quote.qe.pckChainPem;
  const slot = byteKey(bytes.subarray(0, PCK_SLOT_BYTES));
  const hit = cache.get<{ bytes: Uint8Array; chain: PckChain }>('pck', slot);
  if (hit !== undefined && sameBytes(hit.bytes, bytes)) return hit.chain;
  const chain = deepFreeze(parsePckChain(fromUtf8(bytes), cache));
  // A copy: the quote's bytes belong to the caller.
  const copy = bytes.slice();
  cache.set('pck', slot, { bytes: copy, chain }, copy.length * PCK_BYTES_PER_BYTE);
  return chain;
}

function parsePckChain(pem: string, cache: VerifyCache): PckChain {
  const certs = parsePemChain(pem, 'ERR_EVIDENCE_MALFORMED', 'PCK chain', cache);
  if (certs.length !== 3) throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `PCK chain has ${certs.length} certificates, expected 3`);
  const [leaf, ca, root] = certs as [ParsedCertificate, ParsedCertificate, ParsedCertificate];
  const caType = ca.subjectCn === PCK_PROCESSOR_CA_CN ? 'processor' : ca.subjectCn === PCK_PLATFORM_CA_CN ? 'platform' : undefined;
  if (!caType) throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `PCK issuer "${ca.subjectCn}" is neither the PCK Processor CA nor the PCK Platform CA`);
  return { certs, leaf, ca, root, caType, extensions: readPckExtensions(leaf), pem };
}

/**
 * Builds the collateral-free checks of a quote; the chain's structure and root pin are checked at
 * once. `cc` defaults to WebCrypto and the shared cache.
 */
export function quoteChecks(quote: IntelQuote, pck: PckChain, roots: Uint8Array[], cc: CachedCrypto = cachedCrypto()): PendingCheck[] {
  return [...signatureChecks(quote, pck, cc), ...chainChecks(pck.certs, roots, 'PCK chain', false, cc, pck.pem)];
}

/** The checks of the quote's own signatures (attestation key, QE report binding and signature), without the PCK chain. */
export function signatureChecks(quote: IntelQuote, pck: PckChain, cc: CachedCrypto): PendingCheck[] {
  const primitives = cc.primitives;
  // As Intel's QVL: the QE report data is SHA-256(attestation key || QE auth data), then 32 zero bytes.
  const qeReportData = quote.qe.qeReport.reportData;
  const binding = Promise.resolve()
    .then(() => primitives.sha256(concatBytes(quote.attestationKey, quote.qe.qeAuthData)))
    .then((h) => timingSafeEqual(h, qeReportData.subarray(0, 32)) && isAllZero(qeReportData.subarray(32)));
  return [
    {
      name: 'quoteSignature',
      step: 'quote-signature',
      passed: 'the attestation key signed the quote header and body',
      ok: primitives.verifyP256(uncompressedPoint(quote.attestationKey), quote.signature, quote.signedRange),
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: 'quote signature by the attestation key does not verify',
    },
    {
      name: 'qeReportBinding',
      step: 'qe-report',
      passed: 'the QE report data is SHA-256(attestation key || QE auth data): the QE certified the attestation key',
      ok: binding,
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: 'QE report data is not SHA-256(attestation key || QE auth data) followed by zeros: the attestation key is not certified',
    },
    {
      name: 'qeReportSignature',
      step: 'qe-report',
      passed: 'the PCK key signed the QE report',
      // The QE report certifies the platform's attestation key, so it recurs in every quote
      // until that key changes: remembered like the certificates. The quote's own signature is not.
      ok: verifyP256Recurring(pck.leaf.publicKey, quote.qe.qeReportSignature, quote.qe.qeReport.raw, cc),
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: 'QE report signature by the PCK key does not verify',
    },
  ];
}

/** Throws ERR_EVIDENCE_BINDING_MISMATCH unless `expected` (1..64 bytes) equals the leading bytes of `reportData`. */
export function assertReportData(reportData: Uint8Array, expected: Uint8Array | undefined): void {
  if (expected === undefined) return;
  if (expected.length === 0 || expected.length > reportData.length || !timingSafeEqual(reportData.subarray(0, expected.length), expected)) {
    throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', 'report data does not match the expected value');
  }
}

export interface IntelSignatureOptions {
  /** When given, certificate validity is judged at this time (reported, never thrown). */
  clock?: Clock;
  trustAnchors?: TrustAnchors;
  expectedReportData?: Uint8Array;
  /** As VerifyContext.crypto. */
  crypto?: VerifyCrypto;
  /** As VerifyContext.cache. */
  cache?: VerifyCache;
}

/** What the collateral-free verification established. */
export interface IntelSignatureResult {
  quote: IntelQuote;
  pck: PckChain;
  /** Names of the checks that passed, in order. */
  checked: string[];
  /** Certificates outside their validity at `clock` (`cert:<CN>`); empty without a clock. */
  expiredCollateral: string[];
}

/**
 * Verifies a quote's signatures and PCK chain without collateral (no CRLs, no TCB evaluation).
 * Throws ERR_EVIDENCE_MALFORMED, ERR_EVIDENCE_UNSUPPORTED, ERR_EVIDENCE_SIGNATURE_INVALID,
 * ERR_EVIDENCE_CHAIN_INVALID, ERR_EVIDENCE_UNTRUSTED_ROOT, ERR_EVIDENCE_BINDING_MISMATCH.
 */
export async function verifyIntelQuoteSignatures(input: IntelQuote | Uint8Array, options: IntelSignatureOptions = {}): Promise<IntelSignatureResult> {
  const quote = input instanceof Uint8Array ? parseIntelQuote(input) : input;
  const cc = cachedCrypto(options);
  const pck = readPckChain(quote, cc.cache);
  const checked = await settleChecks(quoteChecks(quote, pck, pinnedRootKeys(options.trustAnchors), cc));
  assertReportData(quote.body.report.reportData, options.expectedReportData);
  if (options.expectedReportData) checked.push('reportData');
  const expiredCollateral = options.clock ? certificateValidity(pck.certs, options.clock.now()) : [];
  return { quote, pck, checked, expiredCollateral };
}
