/**
 * Independent signature checks run concurrently, but their failures are reported in a fixed
 * order, so that the same evidence always fails with the same code.
 */
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';
import type { TraceStep, VerifyTrace } from '../trace/verify-trace.js';

export interface PendingCheck {
  /** Name reported in the list of checks performed. */
  name: string;
  /** The trace step it belongs to, and what it establishes when it passes (a constant: built whether traced or not). */
  step: TraceStep;
  passed: string;
  ok: Promise<boolean>;
  code: EvidenceErrorCode;
  message: string;
}

/** Awaits every check (each recorded in `trace` when given); throws the first failing one in list order. Returns the names checked. */
export async function settleChecks(checks: PendingCheck[], trace?: VerifyTrace): Promise<string[]> {
  const results = await Promise.all(checks.map((c) => c.ok));
  if (trace) {
    results.forEach((ok, i) => {
      const c = checks[i]!;
      if (ok) trace.record(c.step, c.name, 'passed', c.passed);
      else trace.record(c.step, c.name, 'failed', c.message, c.code);
    });
  }
  results.forEach((ok, i) => {
    const c = checks[i]!;
    if (!ok) throw new EvidenceError(c.code, c.message);
  });
  return checks.map((c) => c.name);
}
