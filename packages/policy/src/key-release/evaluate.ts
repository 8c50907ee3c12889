/**
 * Evaluates a parsed key release policy over an attestation token's issuer and claims. The
 * token's signature, lifetime and issuer trust are the caller's to check first: this only decides.
 */
import { PolicyError } from '../errors.js';
import { authorityMatches } from './authority.js';
import { readClaim } from './claim-path.js';
import type { KeyReleaseClaimCondition, KeyReleaseCondition, KeyReleasePolicy } from './types.js';

/** The verdict: which authority entry (index in `anyOf`) held, if any. */
export interface KeyReleaseVerdict {
  readonly allowed: boolean;
  readonly authorityIndex?: number;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * One claim condition. A missing claim makes every operator false except `exists: false`
 * (the service counts a missing claim as false, and a notEquals on an absent claim must not
 * release a key). Values compare with their JSON type: "2" is not 2, and strings compare exactly
 * (a false deny on hex case is safe; a loose match is not).
 */
function holdsClaim(c: KeyReleaseClaimCondition, claims: Readonly<Record<string, unknown>>): boolean {
  const actual = readClaim(claims, c.claim);
  if (c.operator === 'exists') return (actual !== undefined) === c.value;
  if (!isScalar(actual)) return false;
  switch (c.operator) {
    case 'equals':
      return actual === c.value;
    case 'notEquals':
      return typeof actual === typeof c.value && actual !== c.value;
    default: {
      if (typeof actual !== 'number' || typeof c.value !== 'number') return false;
      if (c.operator === 'less') return actual < c.value;
      if (c.operator === 'lessOrEquals') return actual <= c.value;
      if (c.operator === 'greater') return actual > c.value;
      return actual >= c.value;
    }
  }
}

function holds(c: KeyReleaseCondition, claims: Readonly<Record<string, unknown>>): boolean {
  if (c.kind === 'claim') return holdsClaim(c, claims);
  return c.kind === 'allOf' ? c.conditions.every((x) => holds(x, claims)) : c.conditions.some((x) => holds(x, claims));
}

/** Evaluates `policy` for a token issued by `issuer` carrying `claims`. */
export function evaluateKeyReleasePolicy(policy: KeyReleasePolicy, issuer: string, claims: Readonly<Record<string, unknown>>): KeyReleaseVerdict {
  for (const [i, a] of policy.anyOf.entries()) {
    if (authorityMatches(a.authority, issuer) && holds(a.condition, claims)) return { allowed: true, authorityIndex: i };
  }
  return { allowed: false };
}

/** Like evaluateKeyReleasePolicy; throws ERR_KEY_RELEASE_POLICY_DENIED (details: `authorityMatched`) when the policy does not hold. */
export function assertKeyReleaseAllowed(policy: KeyReleasePolicy, issuer: string, claims: Readonly<Record<string, unknown>>): number {
  const verdict = evaluateKeyReleasePolicy(policy, issuer, claims);
  if (verdict.allowed) return verdict.authorityIndex!;
  const authorityMatched = policy.anyOf.some((a) => authorityMatches(a.authority, issuer));
  throw new PolicyError(
    'ERR_KEY_RELEASE_POLICY_DENIED',
    authorityMatched ? 'the token does not satisfy the key release policy' : `no authority of the key release policy matches the token issuer ${issuer}`,
    { details: { authorityMatched } },
  );
}
