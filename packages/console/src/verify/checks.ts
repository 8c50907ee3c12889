/**
 * What each check of a verification did, in order. The verifier returns claims or throws one
 * coded error, so the list is read from that outcome: the checks before the failing one passed,
 * the failing one is named by its code, the later ones did not run.
 */
import type { PageVerification } from './evidence.js';

export interface CheckLine {
  name: string;
  outcome: 'passed' | 'failed' | 'not run' | 'noted';
  detail: string;
}

const STEPS: Array<{ name: string; codes: string[]; passed: string }> = [
  { name: 'format', codes: ['ERR_EVIDENCE_MALFORMED', 'ERR_EVIDENCE_UNSUPPORTED', 'ERR_USAGE'], passed: 'the bytes parse as the detected format, every length within bounds' },
  { name: 'collateral', codes: ['ERR_COLLATERAL_MISSING', 'ERR_COLLATERAL_MALFORMED', 'ERR_COLLATERAL_FETCH_FAILED'], passed: 'collateral matching the evidence was found among what you gave' },
  { name: 'certificate chain', codes: ['ERR_EVIDENCE_CHAIN_INVALID', 'ERR_EVIDENCE_UNTRUSTED_ROOT'], passed: "each certificate is signed by the next, ending at this page's pinned vendor root" },
  { name: 'revocation', codes: ['ERR_EVIDENCE_REVOKED'], passed: 'no certificate of the chain is listed in the CRLs' },
  { name: 'signatures', codes: ['ERR_EVIDENCE_SIGNATURE_INVALID'], passed: 'the report, the attestation key and the collateral signatures verify over their original bytes' },
  { name: 'binding', codes: ['ERR_EVIDENCE_BINDING_MISMATCH'], passed: 'the report data (or nonce) binds what it must' },
];

export function checksOf(v: PageVerification): CheckLine[] {
  const code = (v.failure as { code?: string } | undefined)?.code;
  const lines: CheckLine[] = [];
  let failedAt = -1;
  if (v.failure !== undefined) {
    failedAt = STEPS.findIndex((s) => code !== undefined && s.codes.includes(code));
    if (failedAt < 0) failedAt = 0;
  }
  STEPS.forEach((s, i) => {
    if ((failedAt < 0 || i < failedAt) && s.name === 'binding' && !v.bindingChecked) lines.push({ name: s.name, outcome: 'noted', detail: 'no expected report data given: the report data is shown, not compared' });
    else if (failedAt < 0 || i < failedAt) lines.push({ name: s.name, outcome: 'passed', detail: s.passed });
    else if (i === failedAt) lines.push({ name: s.name, outcome: 'failed', detail: `${code ?? 'error'}: ${(v.failure as Error).message}` });
    else lines.push({ name: s.name, outcome: 'not run', detail: 'stopped at the failed check' });
  });
  if (v.claims) {
    lines.push({ name: 'TCB level', outcome: 'noted', detail: `${v.claims.tcbStatus}${v.claims.advisoryIds.length ? ` with ${v.claims.advisoryIds.length} advisories` : ''}: a claim for policy to judge, not a failure` });
    lines.push({
      name: 'collateral validity',
      outcome: 'noted',
      detail: v.claims.collateralExpired ? `expired at ${v.at.toISOString()}: ${v.claims.expiredCollateral.join(', ')} (authentic; a relying party's policy should refuse it)` : `every item valid at ${v.at.toISOString()}`,
    });
  }
  return lines;
}
