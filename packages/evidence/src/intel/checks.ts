/**
 * Independent signature checks run concurrently, but their failures are reported in a fixed
 * order, so that the same evidence always fails with the same code.
 */
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';

export interface PendingCheck {
  /** Name reported in the list of checks performed. */
  name: string;
  ok: Promise<boolean>;
  code: EvidenceErrorCode;
  message: string;
}

/** Awaits every check; throws the first failing one in list order. Returns the names checked. */
export async function settleChecks(checks: PendingCheck[]): Promise<string[]> {
  const results = await Promise.all(checks.map((c) => c.ok));
  results.forEach((ok, i) => {
    const c = checks[i]!;
    if (!ok) throw new EvidenceError(c.code, c.message);
  });
  return checks.map((c) => c.name);
}
