/** Narrowing of claims to one TEE for callers that expect it. */
import { EvidenceError } from './errors.js';
import type { Claims, ClaimsOf, TeeType } from './claims.js';

/** `claims` as the claims of `tee`. Throws ERR_EVIDENCE_UNSUPPORTED when they are another TEE's. */
export function claimsOf<T extends TeeType>(claims: Claims, tee: T): ClaimsOf<T> {
  if (claims.tee !== tee) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `expected ${tee} claims, got ${claims.tee}`);
  return claims as ClaimsOf<T>;
}
