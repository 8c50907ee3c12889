/**
 * The cryptographic checks of an Intel quote that need no collateral: the attestation key's
 * signature over header and body, the QE report's binding of that key, the QE report's
 * signature by the PCK key, and the PCK chain to the pinned Intel SGX Root CA.
 */
import { ConfideError, concatBytes, fromUtf8, isAllZero, timingSafeEqual, type Clock } from '@confide/core';
import type { ParsedCertificate } from './certificate.js';
import { settleChecks, type PendingCheck } from './checks.js';
import { uncompressedPoint, verifyP256Recurring, webCryptoPrimitives } from '../webcrypto/p256.js';
import { deepFreeze, remember } from '../memo/cache.js';
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
}

// A platform sends the same PCK chain with every quote: parsed once per exact PEM text.
const MAX_PCK_CHAINS = 64;
const pckChains = new Map<string, PckChain>();

/** Parses the PCK chain carried in a quote (frozen). Throws ERR_EVIDENCE_MALFORMED and ERR_EVIDENCE_CHAIN_INVALID. */
export function readPckChain(quote: IntelQuote): PckChain {
  const pem = fromUtf8(quote.qe.pckChainPem);
  const hit = pckChains.get(pem);
  if (hit) return hit;
  const chain = deepFreeze(parsePckChain(pem));
  remember(pckChains, pem, chain, MAX_PCK_CHAINS);
  return chain;
}

function parsePckChain(pem: string): PckChain {
  const certs = parsePemChain(pem, 'ERR_EVIDENCE_MALFORMED', 'PCK chain');
  if (certs.length !== 3) throw new ConfideError('ERR_EVIDENCE_CHAIN_INVALID', `PCK chain has ${certs.length} certificates, expected 3`);
  const [leaf, ca, root] = certs as [ParsedCertificate, ParsedCertificate, ParsedCertificate];
  const caType = ca.subjectCn === PCK_PROCESSOR_CA_CN ? 'processor' : ca.subjectCn === PCK_PLATFORM_CA_CN ? 'platform' : undefined;
  if (!caType) throw new ConfideError('ERR_EVIDENCE_CHAIN_INVALID', `PCK issuer "${ca.subjectCn}" is neither the PCK Processor CA nor the PCK Platform CA`);
  return { certs, leaf, ca, root, caType, extensions: readPckExtensions(leaf) };
}

/**
 * Builds the collateral-free checks of a quote; the chain's structure and root pin are checked at
 * once. `primitives` default to WebCrypto.
 */
export function quoteChecks(quote: IntelQuote, pck: PckChain, roots: Uint8Array[], primitives: VerifyCrypto = webCryptoPrimitives): PendingCheck[] {
  // As Intel's QVL: the QE report data is SHA-256(attestation key || QE auth data), then 32 zero bytes.
  const qeReportData = quote.qe.qeReport.reportData;
  const binding = Promise.resolve()
    .then(() => primitives.sha256(concatBytes(quote.attestationKey, quote.qe.qeAuthData)))
    .then((h) => timingSafeEqual(h, qeReportData.subarray(0, 32)) && isAllZero(qeReportData.subarray(32)));
  const chain = chainChecks(pck.certs, roots, 'PCK chain', false, primitives);
  return [
    {
      name: 'quoteSignature',
      ok: primitives.verifyP256(uncompressedPoint(quote.attestationKey), quote.signature, quote.signedRange),
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: 'quote signature by the attestation key does not verify',
    },
    {
      name: 'qeReportBinding',
      ok: binding,
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: 'QE report data is not SHA-256(attestation key || QE auth data) followed by zeros: the attestation key is not certified',
    },
    {
      name: 'qeReportSignature',
      // The QE report certifies the platform's attestation key, so it recurs in every quote
      // until that key changes: remembered like the certificates. The quote's own signature is not.
      ok: verifyP256Recurring(pck.leaf.publicKey, quote.qe.qeReportSignature, quote.qe.qeReport.raw, primitives),
      code: 'ERR_EVIDENCE_SIGNATURE_INVALID',
      message: 'QE report signature by the PCK key does not verify',
    },
    ...chain,
  ];
}

/** Throws ERR_EVIDENCE_BINDING_MISMATCH unless `expected` (1..64 bytes) equals the leading bytes of `reportData`. */
export function assertReportData(reportData: Uint8Array, expected: Uint8Array | undefined): void {
  if (expected === undefined) return;
  if (expected.length === 0 || expected.length > reportData.length || !timingSafeEqual(reportData.subarray(0, expected.length), expected)) {
    throw new ConfideError('ERR_EVIDENCE_BINDING_MISMATCH', 'report data does not match the expected value');
  }
}

export interface IntelSignatureOptions {
  /** When given, certificate validity is judged at this time (reported, never thrown). */
  clock?: Clock;
  trustAnchors?: TrustAnchors;
  expectedReportData?: Uint8Array;
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
  const pck = readPckChain(quote);
  const checked = await settleChecks(quoteChecks(quote, pck, pinnedRootKeys(options.trustAnchors)));
  assertReportData(quote.body.report.reportData, options.expectedReportData);
  if (options.expectedReportData) checked.push('reportData');
  const expiredCollateral = options.clock ? certificateValidity(pck.certs, options.clock.now()) : [];
  return { quote, pck, checked, expiredCollateral };
}
