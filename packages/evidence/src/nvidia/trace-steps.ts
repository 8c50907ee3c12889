/**
 * What the NVIDIA verifier records in a step trace (ctx.trace) once its bindings have held: called
 * only with a trace, so an untraced verification builds none of it.
 */
import type { VerifyContext } from '../types.js';
import type { VerifyTrace } from '../trace/verify-trace.js';
import type { NvidiaChain } from './chain.js';
import type { NvidiaReport } from './report.js';

export function traceBindings(report: NvidiaReport, chain: NvidiaChain, ctx: VerifyContext, now: Date, trace: VerifyTrace): void {
  if (ctx.expectedNonce !== undefined) trace.record('nonce', 'expectedNonce', 'passed', 'the report answers the expected 32-byte nonce');
  if (ctx.expectedReportData !== undefined) trace.record('nonce', 'expectedReportData', 'passed', `the report nonce begins with the ${ctx.expectedReportData.length} bytes expected`);
  if (ctx.expectedNonce === undefined && ctx.expectedReportData === undefined) trace.record('nonce', 'requestNonce', 'noted', 'no expected nonce given: the request nonce is shown, not compared');
  const fwid = report.opaqueDecoded.fwid;
  trace.record('fwid-binding', 'fwid', fwid === undefined ? 'noted' : 'passed', fwid === undefined ? 'the report carries no FWID: nothing to bind to the leaf' : `the report's FWID is one the leaf "${chain.leaf.subjectCn}" was issued for`);
  trace.record('measurements', 'blocks', 'noted', `${report.blocks.length} signed measurement blocks (indexes ${report.blocks.map((b) => b.index).join(', ')}): claims for policy; reference values (RIMs) are not consulted`);
  trace.record('revocation', 'ocsp', 'noted', "NVIDIA's OCSP service is not consulted: revocation not checked");
  trace.record('validity', 'deviceChain', 'noted', chain.expired.length ? `outside their validity at ${now.toISOString()}: ${chain.expired.join(', ')} (authentic; for policy to judge)` : `every certificate of the chain valid at ${now.toISOString()}`);
}
