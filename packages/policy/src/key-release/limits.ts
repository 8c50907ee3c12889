/** Bounds on a key release policy, so a hostile policy costs a 400, never a stack overflow. */
export const KEY_RELEASE_POLICY_LIMITS = {
  /** Characters of policy JSON. */
  maxLength: 64 * 1024,
  /** anyOf / allOf groups nested inside one another (the authority's own group counts). */
  maxNesting: 16,
  /** Conditions (groups and claims) in the whole policy. */
  maxConditions: 1024,
  /** Segments of one dotted claim path. */
  maxPathSegments: 16,
} as const;
