/**
 * SEV-SNP report verification: product, collateral, chain, signatures (all at once), then
 * revocation and the report-to-certificate bindings. Old TCBs and expired certificates or
 * CRLs are reported in the claims; only inauthentic evidence throws.
 */
import { toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { SnpClaims } from '../claims.js';
import type { VerifyContext } from '../types.js';
import { parseAmdCertificate } from './certificate.js';
import { buildChain, type SnpChain } from './chain.js';
import { snpClaims } from './claims.js';
import { verifyIssuedBy, verifyPss, verifyReportSignature } from './crypto.js';
import { defaultVerifyCache, type VerifyCache } from '../memo/verify-cache.js';
import { checkChipBinding, checkReportData, checkTcbBinding, findBindingMismatch, type BindingMismatch } from './bindings.js';
import type { AmdProduct } from '../collateral/types.js';
import { SIG_ALGO_ECDSA_P384_SHA384 } from './layout.js';
import { productFromCpuid, productFromVek } from './product.js';
import type { SnpReport } from './report.js';
import { readVekExtensions } from './vek-extensions.js';
import { traced, type VerifyTrace } from '../trace/verify-trace.js';

function signatureInvalid(message: string, details?: Record<string, unknown>): never {
  throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', message, details ? { details } : undefined);
}

/**
 * A report signed by another chip's key fails its signature before any binding is checked, so
 * the usual cause, a VCEK fetched for another chip or TCB, is named when the bindings show it.
 */
function reportSignatureInvalid(chain: SnpChain, report: SnpReport, product: AmdProduct): never {
  let mismatch: BindingMismatch | undefined;
  try {
    mismatch = findBindingMismatch(readVekExtensions(chain.vek), report, product, report.signingKey === 'vcek');
  } catch {
    mismatch = undefined; // unreadable extensions explain nothing; the plain message stands
  }
  if (!mismatch) signatureInvalid('the SNP report signature does not verify under the endorsement key');
  const key = report.signingKey === 'vlek' ? 'VLEK' : 'VCEK';
  signatureInvalid(
    `the SNP report signature does not verify: the ${key} does not match the report's chip ID and reported TCB ` +
      `(${mismatch === 'chipId' ? 'the chip ID' : 'the reported TCB'} differs); fetch the ${key} for this report's chip ID and reported TCB`,
    { mismatch, chipId: toHex(report.chipId), reportedTcb: toHex(report.reportedTcb) },
  );
}

/** Runs every signature check concurrently, records each in `trace` when given, then reports the first failure from the root down. */
async function checkSignatures(chain: SnpChain, report: SnpReport, product: AmdProduct, cache: VerifyCache, trace: VerifyTrace | undefined): Promise<void> {
  const { vek, ask, ark, crl } = chain;
  const [arkOk, askOk, vekOk, crlOk, reportOk] = await Promise.all([
    chain.arkNeedsSelfCheck ? verifyIssuedBy(ark, ark, cache) : true,
    verifyIssuedBy(ask, ark, cache),
    verifyIssuedBy(vek, ask, cache),
    crl ? verifyPss(ark.spki, crl.signatureAlgorithm, crl.signature, crl.tbs, cache) : true,
    verifyReportSignature(vek.spki, report.signatureR, report.signatureS, report.signed, cache),
  ]);
  if (trace) {
    const chainLink = (check: string, ok: boolean, detail: string): void => trace.record('vek-chain', check, ok ? 'passed' : 'failed', ok ? detail : `${check}: signature does not verify`, ok ? undefined : 'ERR_EVIDENCE_SIGNATURE_INVALID');
    if (chain.arkNeedsSelfCheck) chainLink(ark.subjectCn, arkOk, 'self-signed (a copy of the pinned ARK given as collateral)');
    chainLink(ask.subjectCn, askOk, `signed by "${ark.subjectCn}"`);
    chainLink(vek.subjectCn, vekOk, `signed by "${ask.subjectCn}"`);
    if (crl) trace.record('crl', 'arkCrl', crlOk ? 'passed' : 'failed', crlOk ? `signed by "${ark.subjectCn}"` : 'the CRL signature does not verify', crlOk ? undefined : 'ERR_EVIDENCE_SIGNATURE_INVALID');
    trace.record('report-signature', 'signature', reportOk ? 'passed' : 'failed', reportOk ? `the ${report.signingKey.toUpperCase()} signed the report (ECDSA P-384, SHA-384)` : 'the report signature does not verify under the endorsement key', reportOk ? undefined : 'ERR_EVIDENCE_SIGNATURE_INVALID');
  }
  if (!arkOk) signatureInvalid(`the self-signature of "${ark.subjectCn}" does not verify`);
  if (!askOk) signatureInvalid(`"${ask.subjectCn}" is not signed by "${ark.subjectCn}"`);
  if (!vekOk) signatureInvalid(`"${vek.subjectCn}" is not signed by "${ask.subjectCn}"`);
  if (!crlOk) signatureInvalid(`the CRL is not signed by "${ark.subjectCn}"`);
  if (!reportOk) reportSignatureInvalid(chain, report, product);
}

function expiredItems(chain: SnpChain, now: Date): string[] {
  const expired: string[] = [];
  for (const cert of [chain.vek, chain.ask, chain.ark]) {
    if (now < cert.notBefore || now > cert.notAfter) expired.push(`cert:${cert.subjectCn}`);
  }
  if (chain.crl?.nextUpdate && now > chain.crl.nextUpdate) expired.push('arkCrl');
  return expired;
}

/**
 * Verifies a parsed SEV-SNP report against AMD's PKI and returns its claims.
 * Throws ERR_EVIDENCE_UNSUPPORTED (signature algorithm, CPU), ERR_COLLATERAL_MISSING,
 * ERR_COLLATERAL_MALFORMED, ERR_EVIDENCE_UNTRUSTED_ROOT, ERR_EVIDENCE_CHAIN_INVALID,
 * ERR_EVIDENCE_SIGNATURE_INVALID, ERR_EVIDENCE_REVOKED, ERR_EVIDENCE_BINDING_MISMATCH, ERR_USAGE.
 */
export async function verifySnpReport(report: SnpReport, ctx: VerifyContext): Promise<SnpClaims> {
  return traced(ctx.trace, () => verifySteps(report, ctx));
}

async function verifySteps(report: SnpReport, ctx: VerifyContext): Promise<SnpClaims> {
  const trace = ctx.trace;
  trace?.begin('parse');
  if (report.signatureAlgo !== SIG_ALGO_ECDSA_P384_SHA384) {
    throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `SNP signature algorithm ${report.signatureAlgo} is not ECDSA P-384 with SHA-384`);
  }
  if (report.signingKey === 'none' || report.maskChipKey) signatureInvalid('the SNP report is not signed (MASK_CHIP_KEY or no signing key)');
  const keyType = report.signingKey;
  const cpuProduct = productFromCpuid(report.cpuid);
  trace?.begin('collateral');

  const collateral = await ctx.collateral.amd({
    product: cpuProduct,
    keyType,
    chipId: toHex(report.chipId),
    reportedTcb: toHex(report.reportedTcb),
  });
  if (!collateral) {
    throw new EvidenceError('ERR_COLLATERAL_MISSING', `no ${keyType.toUpperCase()} certificate for this SNP report`);
  }
  trace?.record('collateral', 'found', 'passed', `the ${keyType.toUpperCase()} certificate${collateral.chain?.length ? ' with its chain' : ''}${collateral.crl ? ' and the ARK CRL' : ''}`);
  trace?.begin('vek-chain');
  const vek = parseAmdCertificate(collateral.vek);
  const vekProduct = productFromVek(vek);
  if (cpuProduct && vekProduct !== cpuProduct) {
    throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `the report is from ${cpuProduct} but the endorsement key certificate is for ${vekProduct}`);
  }
  const product = cpuProduct ?? vekProduct;
  const chain = buildChain(product, keyType, vek, collateral, ctx.trustAnchors?.amdRoots);

  trace?.record('vek-chain', 'structure', 'passed', `${vek.subjectCn} → ${chain.ask.subjectCn} → ${chain.ark.subjectCn}, the ARK pinned for ${product}; names link, CAs are CAs, key types fit`);
  await checkSignatures(chain, report, product, ctx.cache ?? defaultVerifyCache, trace);

  trace?.begin('revocation');
  if (chain.crl?.revoked.has(chain.ask.serial)) {
    // Only what the ARK issued can be on its CRL; every VCEK carries serial 0, issued by the ASK.
    throw new EvidenceError('ERR_EVIDENCE_REVOKED', `"${chain.ask.subjectCn}" (serial ${chain.ask.serial}) is revoked`);
  }
  trace?.record('revocation', 'arkCrl', chain.crl ? 'passed' : 'noted', chain.crl ? `"${chain.ask.subjectCn}" is not listed` : 'no CRL given: revocation not checked');
  trace?.begin('tcb-binding');
  const ext = readVekExtensions(vek);
  checkTcbBinding(ext, report.reportedTcb, product);
  trace?.record('tcb-binding', 'reportedTcb', 'passed', `the ${keyType.toUpperCase()}'s TCB extensions equal the report's REPORTED_TCB ${toHex(report.reportedTcb)}`);
  // A VLEK belongs to a cloud provider, not a chip: its reports may carry a zero CHIP_ID.
  trace?.begin('chip-binding');
  if (keyType === 'vcek') checkChipBinding(ext, report.chipId);
  trace?.record('chip-binding', 'chipId', keyType === 'vcek' ? 'passed' : 'noted', keyType === 'vcek' ? "the VCEK's hardware ID is the report's CHIP_ID" : 'a VLEK names a cloud provider, not a chip');
  trace?.begin('report-data');
  checkReportData(ctx.expectedReportData, report.reportData);
  if (trace) {
    if (ctx.expectedReportData) trace.record('report-data', 'expected', 'passed', `the report data begins with the ${ctx.expectedReportData.length} bytes expected`);
    else trace.record('report-data', 'expected', 'noted', 'no expected report data given: shown, not compared');
  }

  const now = ctx.clock.now();
  const expired = expiredItems(chain, now);
  trace?.record('validity', 'collateral', 'noted', expired.length ? `outside their validity at ${now.toISOString()}: ${expired.join(', ')} (authentic; for policy to judge)` : `every certificate and the CRL valid at ${now.toISOString()}`);
  return snpClaims({
    report,
    product,
    verifiedAt: now,
    expiredCollateral: expired,
    cspId: keyType === 'vlek' ? ext.cspId : undefined,
  });
}
