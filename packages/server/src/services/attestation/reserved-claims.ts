/**
 * Claim names a policy may not issue. A relying party reads them as facts the service
 * established: the JWT's own fields, what the verified evidence says, what the caller bound to
 * it (runtime and init-time data, nonce), and the policy-management results. A policy that
 * could issue `x-ms-runtime` or `nonce` would put request-bound-looking claims into a signed
 * token without any request binding them; one that could issue `x-ms-policy-result` would make
 * an attestation token look like a management response. The list is what this service sets
 * itself (token-service.ts, service.ts, maa-claims.ts, policy-admin.ts) plus the names MAA
 * documents as service-set (claim sets page, OpenID `claims_supported`). `x-ms-compliance-status`
 * stays issuable: MAA's own SEV-SNP policies issue it.
 */
import { ServerError } from '../../errors/index.js';
import type { Policy, Rule } from '@confide/policy';

const EXACT = new Set([
  // JWT and proof-of-possession fields (RFC 7519, RFC 7800), and the request's nonce
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'cnf', 'nonce',
  // set by the token service for every attestation
  'x-ms-ver', 'x-ms-attestation-type', 'x-ms-policy-hash', 'x-ms-policy-signer', 'x-ms-runtime', 'x-ms-inittime',
  'x-ms-isolation-tee', 'x-ms-sgx-tcbidentifier',
  // policy-management responses
  'x-ms-policy', 'x-ms-policy-result', 'x-ms-policy-token-hash', 'x-ms-policy-certificates', 'x-ms-certificate-thumbprint', 'x-ms-policycertificates-result',
  // TDX (MAA's EAT profile), set from the evidence
  'eat_profile', 'dbgstat', 'intuse', 'attester_tcb_status', 'attester_advisory_ids',
]);

/** Families of evidence claims: every name under these prefixes comes from the evidence. */
const PREFIXES = ['x-ms-sgx-', 'x-ms-sevsnpvm-', 'x-ms-tdx-', 'tdx_', 'x-ms-sim-', 'x-ms-azurevm-', 'x-ms-tpm-', 'x-confide-'];

/** Whether a policy must not issue `name` (compared case-insensitively, as a relying party may). */
export function isReservedClaim(name: string): boolean {
  const lower = name.toLowerCase();
  return EXACT.has(lower) || PREFIXES.some((p) => lower.startsWith(p));
}

function issuesReserved(rule: Rule): string | undefined {
  const action = rule.action;
  if (action.kind !== 'issue' || action.claim.kind !== 'new' || action.claim.type.kind !== 'string') return undefined;
  return isReservedClaim(action.claim.type.value) ? action.claim.type.value : undefined;
}

/**
 * Refuses a policy whose rules issue a reserved claim name written as a literal. Names computed at
 * evaluation (or re-issued claims) are dropped from the token instead (see service.ts).
 * Throws ERR_POLICY_RESERVED_CLAIM with details {claim, line, column}.
 */
export function assertNoReservedIssuance(policy: Policy): void {
  for (const rule of [...policy.configurationRules, ...policy.authorizationRules, ...policy.issuanceRules]) {
    const claim = issuesReserved(rule);
    if (claim !== undefined) {
      throw new ServerError('ERR_POLICY_RESERVED_CLAIM', `the policy issues ${claim}, a claim only the evidence, the request or the service sets`, {
        details: { claim, line: rule.action.pos.line, column: rule.action.pos.column },
      });
    }
  }
}
