/** Narrowing of claims to one TEE for callers that expect it. */
import { ConfideError } from '@confide/core';
import type { Claims, ClaimsOf, TeeType } from './claims.js';

/** `claims` as the claims of `tee`. Throws ERR_EVIDENCE_UNSUPPORTED when they are another TEE's. */
export function claimsOf<T extends TeeType>(claims: Claims, tee: T): ClaimsOf<T> {
  if (claims.tee !== tee) throw new ConfideError('ERR_EVIDENCE_UNSUPPORTED', `expected ${tee} claims, got ${claims.tee}`);
  return claims as ClaimsOf<T>;
}
