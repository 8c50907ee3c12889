/** The policy engine's input limits: each is a 400 ERR_LIMIT_EXCEEDED naming it, never a stack overflow or a runaway evaluation. */
export const POLICY_LIMITS = {
  /** Characters of policy text (a stored policy or a draft on an attest request). */
  maxLength: 256 * 1024,
  /** Function calls nested inside one another in a policy expression. */
  maxNesting: 32,
  /** Values one expression may produce (functions apply to every combination of their argument sets). */
  maxValues: 4096,
  /** Claims in the working set (incoming plus every add and issue): `add(claim=c)` doubles them at each rule. */
  maxClaims: 4096,
  /** Characters of claim values the rules add, in total. */
  maxAddedChars: 4 * 1024 * 1024,
  /** Characters of one AppendString result. */
  maxStringLength: 256 * 1024,
  /** Characters of a JMESPath query. */
  maxJmesPathLength: 4096,
  /** Nested sub-expressions in a JMESPath query (parentheses, brackets, filters, functions). */
  maxJmesPathNesting: 32,
} as const;
