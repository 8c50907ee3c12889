/** The parsed form of an Azure Key Vault / Managed HSM key release policy (formats 1.0.0, 1.0 and 0.2). */

/** The comparison operators the service's grammar lists for a claim condition. */
export const KEY_RELEASE_OPERATORS = ['equals', 'notEquals', 'less', 'lessOrEquals', 'greater', 'greaterOrEquals', 'exists'] as const;
export type KeyReleaseOperator = (typeof KEY_RELEASE_OPERATORS)[number];

/** A value a condition compares a claim with: JSON's scalars. */
export type KeyReleaseValue = string | number | boolean;

/** `{claim, <operator>: value}` (or the legacy `{claim, condition, value}`). */
export interface KeyReleaseClaimCondition {
  readonly kind: 'claim';
  /** Dotted path into the token's claims, e.g. `x-ms-isolation-tee.x-ms-attestation-type`. */
  readonly claim: string;
  readonly operator: KeyReleaseOperator;
  readonly value: KeyReleaseValue;
}

/** `{anyOf: [...]}` or `{allOf: [...]}`: non-empty lists that nest. */
export interface KeyReleaseGroupCondition {
  readonly kind: 'anyOf' | 'allOf';
  readonly conditions: readonly KeyReleaseCondition[];
}

export type KeyReleaseCondition = KeyReleaseClaimCondition | KeyReleaseGroupCondition;

/** One entry of the top-level `anyOf`: the token issuer it applies to and its condition. */
export interface KeyReleaseAuthority {
  /** As written in the policy; compared with the token's `iss` after normalization (`normalizeAuthority`). */
  readonly authority: string;
  readonly condition: KeyReleaseGroupCondition;
}

export interface KeyReleasePolicy {
  readonly version: KeyReleasePolicyVersion;
  /** At least one; the policy holds when any authority matching the issuer holds. */
  readonly anyOf: readonly KeyReleaseAuthority[];
}

/** The format versions accepted: 1.0.0 (current), 1.0 (older SDK tests) and 0.2 (confidential containers' sidecar). */
export const KEY_RELEASE_POLICY_VERSIONS = ['1.0.0', '1.0', '0.2'] as const;
export type KeyReleasePolicyVersion = (typeof KEY_RELEASE_POLICY_VERSIONS)[number];
