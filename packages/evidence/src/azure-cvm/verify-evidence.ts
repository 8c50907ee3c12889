/**
 * Azure CVM verification: the hardware report by its own verifier (SEV-SNP with the VCEK chain,
 * or the TD quote with Intel's collateral, whose body must be the HCL's TDREPORT), the runtime
 * data by its SHA-256 in the hardware report's report_data[0:32], then the vTPM quote under the
 * runtime data's HCLAkPub with the nonce and PCR digest (and the event log, where given). All
 * start at once; failures are reported in that order.
 */
import { digest, timingSafeEqual, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { AzureCvmClaims, SnpClaims, TdxClaims, TpmClaims } from '../claims.js';
import type { AmdCollateral } from '../collateral/types.js';
import { verifyIntelQuote } from '../intel/verify-quote.js';
import { verifySnpReport } from '../sev-snp/verify-report.js';
import { verifyTpmEvidence } from '../tpm/verify-evidence.js';
import type { VerifyContext } from '../types.js';
import { replayTrace, TraceCollector, traced, type VerifyTrace } from '../trace/verify-trace.js';
import type { AzureCvmEvidence } from './evidence.js';
import { checkTdReportBinding } from './td-report.js';

/** The paravisor runs at VMPL 0: a report from another VMPL was asked for by the guest, which could write any runtime data. */
const HCL_VMPL = 0;

/** `p`, marked handled: it is awaited later, in the order failures are reported. */
function started<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** `tpm`'s outcome, once its collected steps are played into `trace` (a failure among them closes the running step). */
async function replayedAfter(tpm: Promise<TpmClaims>, collected: TraceCollector, trace: VerifyTrace): Promise<TpmClaims> {
  try {
    return await tpm;
  } finally {
    replayTrace(collected.entries, trace);
  }
}

function mismatch(message: string, field: string): never {
  throw new EvidenceError('ERR_EVIDENCE_BINDING_MISMATCH', `Azure CVM evidence: ${message}`, { details: { field } });
}

/**
 * The hardware verifiers bind nothing of the caller's: the nonce and report data are the TPM
 * quote's. Certificates the evidence carries are the VCEK then its chain (as IMDS and Trustee
 * give them) and answer the SEV-SNP verifier directly: filing them by their contents (a memory
 * provider) cost several times the verification itself. A VCEK of another chip or TCB fails the
 * report's signature, named as such; the chain still has to end at a pinned ARK.
 */
function hardwareContext(view: AzureCvmEvidence, ctx: VerifyContext): VerifyContext {
  const { expectedNonce: _n, expectedReportData: _r, ...rest } = ctx;
  const [vek, ...chain] = view.vekCertificates;
  if (!vek) return rest;
  const carried: AmdCollateral = chain.length > 0 ? { vek, chain } : { vek };
  return { ...rest, collateral: { intel: (req) => ctx.collateral.intel(req), amd: async () => carried } };
}

async function verifyHardware(view: AzureCvmEvidence, ctx: VerifyContext): Promise<SnpClaims | TdxClaims> {
  if (view.snpReport) return verifySnpReport(view.snpReport, ctx);
  const claims = await verifyIntelQuote(view.tdQuote!, ctx);
  return claims as TdxClaims;
}

/**
 * Verifies parsed Azure CVM evidence. Throws what the SEV-SNP or Intel verifier throws for the
 * hardware report (ERR_EVIDENCE_SIGNATURE_INVALID, ERR_EVIDENCE_CHAIN_INVALID, ERR_COLLATERAL_*,
 * ...), then ERR_EVIDENCE_BINDING_MISMATCH with details.field: "vmpl" (an SNP report not from the
 * paravisor), "tdReport.<field>" (a TD quote of another TDREPORT, when the HCL report came whole), "runtimeData" (the runtime
 * data is not what report_data binds), then what the TPM verifier throws for the quote under
 * HCLAkPub ("nonce", "pcrDigest", "eventLog", ERR_EVIDENCE_SIGNATURE_INVALID).
 */
export function verifyAzureCvmEvidence(view: AzureCvmEvidence, ctx: VerifyContext): Promise<AzureCvmClaims> {
  return ctx.trace ? traced(ctx.trace, () => verifySteps(view, ctx)) : verifySteps(view, ctx);
}

/**
 * The hardware verifier records its steps in the trace as it goes; the vTPM quote, checked at the
 * same time, records into its own collector, played into the trace after the bindings, so the
 * steps read in the order failures are reported.
 */
async function verifySteps(view: AzureCvmEvidence, ctx: VerifyContext): Promise<AzureCvmClaims> {
  const trace = ctx.trace;
  const tpmTrace = trace ? new TraceCollector() : undefined;
  const hardware = started(verifyHardware(view, hardwareContext(view, ctx)));
  const runtimeHash = started(digest('SHA-256', view.runtimeData));
  const tdBody = view.tdQuote?.body.kind === 'tdx' ? view.tdQuote.body.report : undefined;
  const tdBinding = view.tdReport && tdBody ? started(checkTdReportBinding(view.tdReport, tdBody)) : undefined;
  const tpm: Promise<TpmClaims> = started(verifyTpmEvidence(view.tpm, tpmTrace ? { ...ctx, trace: tpmTrace } : ctx));

  const isolation = await hardware;
  trace?.begin('runtime-data');
  if (view.snpReport && view.snpReport.vmpl !== HCL_VMPL) mismatch(`the SNP report is from VMPL ${view.snpReport.vmpl}, not the paravisor's VMPL ${HCL_VMPL}`, 'vmpl');
  if (view.snpReport) trace?.record('runtime-data', 'vmpl', 'passed', `the SNP report is from VMPL ${HCL_VMPL}, the paravisor's`);
  await tdBinding;
  if (tdBinding) trace?.record('runtime-data', 'tdReport', 'passed', "the TD quote's body is the HCL report's TDREPORT");
  // The TD quote's report data is the TDREPORT's (checked above, when the HCL report came whole).
  const reportData = view.snpReport ? view.snpReport.reportData : tdBody!.reportData;
  const hash = await runtimeHash;
  if (!timingSafeEqual(hash, reportData.subarray(0, hash.length))) mismatch('SHA-256 of the runtime data is not report_data[0:32] of the hardware report', 'runtimeData');
  trace?.record('runtime-data', 'runtimeData', 'passed', 'SHA-256 of the runtime data is report_data[0:32]: the hardware vouches for the vTPM key HCLAkPub it carries, under which the quote is checked');
  const t = trace && tpmTrace ? await replayedAfter(tpm, tpmTrace, trace) : await tpm;

  const expired = [...isolation.expiredCollateral, ...t.expiredCollateral];
  const r = view.runtime;
  return {
    tee: 'azure-cvm',
    debug: isolation.debug,
    measurement: isolation.measurement,
    reportData: isolation.reportData,
    tcbStatus: isolation.tcbStatus,
    advisoryIds: [...isolation.advisoryIds],
    collateralExpired: expired.length > 0,
    expiredCollateral: expired,
    verifiedAt: isolation.verifiedAt,
    ...(isolation.svn !== undefined ? { svn: isolation.svn } : {}),
    ...(isolation.chipId !== undefined ? { chipId: isolation.chipId } : {}),
    ...(isolation.fmspc !== undefined ? { fmspc: isolation.fmspc } : {}),
    isolation,
    tpm: t.tpm,
    azureCvm: {
      hardware: view.hardware,
      ...(view.hcl ? { hcl: { version: view.hcl.version, requestType: view.hcl.requestType, igvmVersion: view.hcl.igvmVersion } } : {}),
      runtime: { sha256: toHex(hash), keys: r.keys, vmConfiguration: r.vmConfiguration, ...(r.userData !== undefined ? { userData: r.userData } : {}) },
    },
  };
}
