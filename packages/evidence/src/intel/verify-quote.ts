/** Full verification of an Intel DCAP quote: signatures, PKI, CRLs, collateral and TCB evaluation. */
import { ConfideError, toHex } from '@confide/core';
import type { IntelCollateral } from '../collateral/types.js';
import type { Claims, VerifyContext } from '../types.js';
import { settleChecks } from './checks.js';
import { intelClaims } from './claims.js';
import { collateralChecks, type CollateralPki } from './collateral-pki.js';
import { assertNotRevoked, certificateValidity, pinnedRootKeys } from './pki.js';
import { parseIntelQuote } from './quote-parser.js';
import { assertReportData, quoteChecks, readPckChain } from './quote-signatures.js';
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
export async function verifyIntelQuote(input: IntelQuote | Uint8Array, ctx: VerifyContext, options: IntelVerifyOptions = {}): Promise<Claims> {
  const quote = input instanceof Uint8Array ? parseIntelQuote(input) : input;
  const at = ctx.clock.now();
  const roots = pinnedRootKeys(ctx.trustAnchors);
  const pck = readPckChain(quote);
  // Fetch collateral while the quote's own signatures are checked.
  const fetching = ctx.collateral.intel({ tee: quote.tee, fmspc: pck.extensions.fmspc, ca: pck.caType });
  fetching.catch(() => undefined);
  const primitives = ctx.crypto;
  const checks = quoteChecks(quote, pck, roots, primitives);

  // A forged quote fails as forged, whatever happens to its collateral.
  let collateral: IntelCollateral | undefined;
  let pki: CollateralPki;
  try {
    collateral = await fetching;
    if (!collateral) {
      throw new ConfideError('ERR_COLLATERAL_MISSING', `no Intel collateral for ${quote.tee} FMSPC ${pck.extensions.fmspc} (${pck.caType} CA)`);
    }
    pki = collateralChecks(collateral, pck, roots, at, primitives);
  } catch (err) {
    await settleChecks(checks);
    throw err;
  }
  await settleChecks([...checks, ...pki.checks]);
  assertNotRevoked(pki.pckCrl, [pck.leaf]);
  assertNotRevoked(pki.rootCrl, [pck.ca, ...pki.signers]);
  assertReportData(quote.body.report.reportData, ctx.expectedReportData);

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
    ...(primitives ? { crypto: primitives } : {}),
    at,
  });
  const expired = [...certificateValidity(pck.certs, at), ...pki.expired, ...tcb.expired];
  return intelClaims(quote, pck, tcb, expired, at);
}
