/**
 * What the TPM verifier records in a step trace (ctx.trace) once a check has run: each called
 * only with a trace, so an untraced verification builds none of it.
 */
import { isConfideError } from '@confide/core';
import type { VerifyContext } from '../types.js';
import type { VerifyTrace } from '../trace/verify-trace.js';
import type { TpmBank } from './algorithms.js';
import type { TpmCertificate } from './certificate.js';
import type { TpmEventLogClaims } from './claims.js';
import type { TcgEventLog } from './event-log/parse.js';
import type { TpmEvidence } from './evidence.js';
import type { TpmPcrBanks } from './pcr-values.js';

const name = (cert: TpmCertificate, index: number): string => (cert.subjectCn ? `"${cert.subjectCn}"` : index === 0 ? 'the AK certificate' : `certificate ${index + 1}`);

/** Ascending PCR indexes as runs: "0-9, 14". */
function pcrRuns(pcrs: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < pcrs.length; i++) {
    let j = i;
    while (j + 1 < pcrs.length && pcrs[j + 1] === pcrs[j]! + 1) j++;
    runs.push(j > i ? `${pcrs[i]}-${pcrs[j]}` : `${pcrs[i]}`);
    i = j;
  }
  return runs.join(', ');
}

/** The quote a failed check names (details.quote, 1-based), or 0. */
function failedQuote(err: unknown): number {
  const quote = isConfideError(err) ? err.details?.quote : undefined;
  return typeof quote === 'number' ? quote : 0;
}

/** Runs the PCR digest checks' outcome, recording each quote: those before a failing one passed. */
export function tracePcrDigests(view: TpmEvidence, outcome: () => void, trace: VerifyTrace): void {
  try {
    outcome();
  } catch (err) {
    const failed = failedQuote(err);
    for (let i = 1; i < failed; i++) trace.record('pcr-digest', `quote ${i}`, 'passed', 'the PCR values given hash to the quoted PCR digest');
    if (failed > 0 && isConfideError(err)) trace.record('pcr-digest', `quote ${failed}`, 'failed', err.message, err.code);
    throw err;
  }
  view.quotes.forEach((q, i) => {
    const selected = q.attest.pcrSelect.map((s) => `${s.hash?.bank ?? 'unknown'} PCR ${pcrRuns(s.pcrs)}`).join('; ');
    trace.record('pcr-digest', `quote ${i + 1}`, 'passed', `the PCR values given hash to the quoted PCR digest (${selected})`);
  });
}

export function traceQuotesAgree(view: TpmEvidence, trace: VerifyTrace): void {
  if (view.quotes.length > 1) trace.record('quotes-agree', 'quotes', 'passed', `the ${view.quotes.length} quotes carry one nonce, firmware version and signer`);
}

export function traceNonce(ctx: VerifyContext, extraData: Uint8Array, trace: VerifyTrace): void {
  if (ctx.expectedNonce !== undefined) trace.record('nonce', 'expectedNonce', 'passed', `the quoted extraData is the expected ${ctx.expectedNonce.length}-byte nonce`);
  if (ctx.expectedReportData !== undefined) trace.record('nonce', 'expectedReportData', 'passed', `the quoted extraData begins with the ${ctx.expectedReportData.length} bytes expected`);
  if (ctx.expectedNonce === undefined && ctx.expectedReportData === undefined) trace.record('nonce', 'extraData', 'noted', `no expected nonce given: the ${extraData.length}-byte extraData is shown, not compared`);
}

/** The AK chain's links and root pin, or a note that the AK came without a certificate. */
export function traceAkChain(path: readonly TpmCertificate[] | undefined, trace: VerifyTrace): void {
  if (!path) {
    trace.record('ak-chain', 'akCertificate', 'noted', 'no AK certificate given: the attestation key is not certified (claims: ak.certified false)');
    return;
  }
  trace.record('ak-chain', 'akKey', 'passed', `${name(path[0]!, 0)} certifies the attestation key`);
  for (let i = 0; i + 1 < path.length; i++) trace.record('ak-chain', path[i]!.subjectCn || (i === 0 ? 'akCertificate' : `certificate ${i + 1}`), 'passed', `signed by ${name(path[i + 1]!, i + 1)}`);
  trace.record('ak-chain', 'root', 'passed', `${name(path.at(-1)!, path.length - 1)} is a configured TPM root (trust anchors tpmRoots)`);
}

/** Runs the replay's outcome, recording each bank the log has: a disagreement names its bank and PCR; the banks before it passed. */
export function traceReplay(log: TcgEventLog, quoted: TpmPcrBanks, outcome: () => TpmEventLogClaims, trace: VerifyTrace): TpmEventLogClaims {
  let claims: TpmEventLogClaims;
  try {
    claims = outcome();
  } catch (err) {
    const bank = isConfideError(err) && err.details?.field === 'eventLog' ? (err.details.bank as TpmBank) : undefined;
    if (bank !== undefined && isConfideError(err)) {
      for (const b of log.banks) {
        if (b === bank) break;
        if (quoted.has(b)) trace.record('event-log', b, 'passed', `the ${log.events.length} events replay to the quoted PCR values`);
      }
      trace.record('event-log', bank, 'failed', err.message, err.code);
    }
    throw err;
  }
  for (const bank of log.banks) {
    const matched = claims.replayed[bank];
    if (matched && matched.length > 0) trace.record('event-log', bank, 'passed', `the ${log.events.length} events replay to the quoted PCRs ${pcrRuns(matched)}`);
    else trace.record('event-log', bank, 'noted', 'no quoted PCR of this bank is extended by the log: not compared');
  }
  if (claims.unverifiedPcrs.length > 0) trace.record('event-log', 'unverified', 'noted', `PCRs ${pcrRuns(claims.unverifiedPcrs)} are extended by the log but quoted in no bank: their events give no claims`);
  return claims;
}

/** The AK chain's expired certificates, noted (authentic; for policy to judge). */
export function traceValidity(expired: readonly string[], now: Date, certified: boolean, trace: VerifyTrace): void {
  if (!certified) return;
  trace.record('validity', 'akChain', 'noted', expired.length ? `outside their validity at ${now.toISOString()}: ${expired.join(', ')} (authentic; for policy to judge)` : `every AK chain certificate valid at ${now.toISOString()}`);
}
