/** Full verification of an Intel DCAP quote: signatures, PKI, CRLs, collateral and TCB evaluation. */
import { traced } from '../trace/verify-trace.js';
import { toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { SgxClaims, TdxClaims } from '../claims.js';
import type { VerifyContext } from '../types.js';
import { intelCollateralDigests, quoteDigest } from './collateral-digests.js';
import { settleChecks } from './checks.js';
import { intelClaims } from './claims.js';
import { collateralChecks, type CollateralPki } from './collateral-pki.js';
import { assertNotRevoked, certificateValidity, pinnedRootKeys } from './pki.js';
import { parseIntelQuote } from './quote-parser.js';
import { assertReportData, quoteChecks, readPckChain } from './quote-signatures.js';
import { cachedCrypto } from '../webcrypto/p256.js';
import type { IntelQuote } from './quote-types.js';
import { defaultTcbEvaluator, type TcbEvaluator } from './tcb-evaluator.js';

export interface IntelVerifyOptions {
  /** Replaces the TCB evaluation (tests). */
  evaluateTcb?: TcbEvaluator;
}

/**
 * Verifies an Intel SGX or TDX quote (bytes or a parsed view) with collateral from
 * `ctx.collateral` at `ctx.clock`. Old TCB and expired collateral come back as claims.
 * Throws ERR_EVIDENCE_MALFORMED, ERR_EVIDENCE_UNSUPPORTED, ERR_EVIDENCE_SIGNATURE_INVALID,
 * ERR_EVIDENCE_CHAIN_INVALID, ERR_EVIDENCE_UNTRUSTED_ROOT, ERR_EVIDENCE_REVOKED,
 * ERR_EVIDENCE_BINDING_MISMATCH, ERR_COLLATERAL_MISSING, ERR_COLLATERAL_MALFORMED.
 */
export async function verifyIntelQuote(input: IntelQuote | Uint8Array, ctx: VerifyContext, options: IntelVerifyOptions = {}): Promise<SgxClaims | TdxClaims> {
  return traced(ctx.trace, () => verifySteps(input, ctx, options));
}

async function verifySteps(input: IntelQuote | Uint8Array, ctx: VerifyContext, options: IntelVerifyOptions): Promise<SgxClaims | TdxClaims> {
  const trace = ctx.trace;
  trace?.begin('parse');
  const quote = input instanceof Uint8Array ? parseIntelQuote(input) : input;
  if (input instanceof Uint8Array) trace?.record('parse', quote.tee, 'passed', `an Intel ${quote.tee.toUpperCase()} quote, version ${quote.version}`);
  const at = ctx.clock.now();
  const roots = pinnedRootKeys(ctx.trustAnchors);
  const cc = cachedCrypto(ctx);
  trace?.begin('pck-chain');
  const pck = readPckChain(quote, cc.cache);
  const digest = quoteDigest(quote, cc);
  // The FMSPC and CA type that pick the collateral come from the PCK certificate, so the quote
  // and its chain must be Intel's before anything is fetched for them: junk evidence with made-up
  // FMSPCs never reaches the collateral provider (an online one would fetch for each). A forged
  // quote fails as forged, whatever happens to its collateral.
  const checks = quoteChecks(quote, pck, roots, cc);
  trace?.record('pck-chain', 'root', 'passed', `the chain ends at "${pck.root.subjectCn}", whose key is the pinned Intel SGX Root CA key; issuers link and are CAs`);
  await settleChecks(checks, trace);
  trace?.begin('collateral');
  const collateral = await ctx.collateral.intel({ tee: quote.tee, fmspc: pck.extensions.fmspc, ca: pck.caType });
  if (!collateral) {
    throw new EvidenceError('ERR_COLLATERAL_MISSING', `no Intel collateral for ${quote.tee} FMSPC ${pck.extensions.fmspc} (${pck.caType} CA)`);
  }
  trace?.record('collateral', 'found', 'passed', `TCB Info, QE Identity and CRLs for ${quote.tee} FMSPC ${pck.extensions.fmspc} (${pck.caType} CA)`);
  trace?.begin('collateral-chain');
  const pki: CollateralPki = collateralChecks(collateral, pck, roots, at, cc);
  await settleChecks(pki.checks, trace);
  trace?.begin('revocation');
  assertNotRevoked(pki.pckCrl, [pck.leaf]);
  trace?.record('revocation', 'pckCrl', 'passed', `the PCK certificate (serial ${pck.leaf.serial}) is not listed`);
  assertNotRevoked(pki.rootCrl, [pck.ca, ...pki.signers]);
  trace?.record('revocation', 'rootCaCrl', 'passed', `"${pck.ca.subjectCn}" and the collateral signer are not listed`);
  trace?.begin('report-data');
  assertReportData(quote.body.report.reportData, ctx.expectedReportData);
  if (trace) {
    if (ctx.expectedReportData) trace.record('report-data', 'expected', 'passed', `the report data begins with the ${ctx.expectedReportData.length} bytes expected`);
    else trace.record('report-data', 'expected', 'noted', 'no expected report data given: shown, not compared');
  }

  const qe = quote.qe.qeReport;
  const tcb = await (options.evaluateTcb ?? defaultTcbEvaluator)({
    tee: quote.tee,
    quoteVersion: quote.version,
    pck: {
      fmspc: pck.extensions.fmspc,
      pceId: pck.extensions.pceId,
      sgxTcbComponents: pck.extensions.sgxTcbComponents,
      pceSvn: pck.extensions.pceSvn,
      cpuSvn: pck.extensions.cpuSvn,
    },
    ...(quote.body.kind === 'tdx'
      ? {
          teeTcbSvn: quote.body.report.teeTcbSvn,
          mrSignerSeam: toHex(quote.body.report.mrSignerSeam),
          seamAttributes: toHex(quote.body.report.seamAttributes),
        }
      : {}),
    qe: { mrsigner: toHex(qe.mrsigner), isvProdId: qe.isvProdId, isvSvn: qe.isvSvn, miscselect: qe.miscselect, attributes: toHex(qe.attributes) },
    collateral,
    tcbSigningKey: pki.tcbSigner.publicKey,
    ...(ctx.crypto ? { crypto: ctx.crypto } : {}),
    ...(trace ? { trace } : {}),
    cache: cc.cache,
    at,
  });
  const expired = [...certificateValidity(pck.certs, at), ...pki.expired, ...tcb.expired];
  trace?.record('validity', 'collateral', 'noted', expired.length ? `outside their validity at ${at.toISOString()}: ${expired.join(', ')} (authentic; for policy to judge)` : `every certificate, CRL and TCB document valid at ${at.toISOString()}`);
  return intelClaims(quote, pck, tcb, expired, at, await intelCollateralDigests(quote, collateral, cc, digest));
}
