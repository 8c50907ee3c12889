/**
 * The evidence validator port: what activation and sign-quote ask of evidence verification.
 * The coordinator core depends on this interface only (as MarbleRun's core depends on its quote
 * validator), so tests can run it with a validator that accepts fixed claims or always fails.
 */
import type { Claims, TeeType } from '@confide/evidence';

/** What the caller expects of the evidence; absent fields are not checked. */
export interface EvidenceExpectation {
  /** The TEE the evidence must come from. */
  tee?: TeeType | undefined;
  /** The report data the evidence must carry (activation: SHA-256 of the client certificate's key). */
  reportData?: Uint8Array | undefined;
}

export interface EvidenceValidator {
  /** The evidence's claims once it is authentic and meets `expected`. Throws ERR_EVIDENCE_*, ERR_COLLATERAL_*. */
  validate(evidence: Uint8Array, expected: EvidenceExpectation): Promise<Claims>;
}
