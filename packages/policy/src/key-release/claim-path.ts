/**
 * Reads a claim from a token's claims by its dotted name. A name that is itself a member wins
 * (claim names are free text); otherwise each segment steps into a nested object, as
 * `x-ms-isolation-tee.x-ms-attestation-type` does. Arrays are not indexed (the service does not
 * either), and only own members count, so `constructor` or `__proto__` never resolve.
 */
export function readClaim(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let cur: unknown = claims;
  for (const segment of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, segment)) return undefined;
    cur = (cur as Record<string, unknown>)[segment];
  }
  return cur;
}
