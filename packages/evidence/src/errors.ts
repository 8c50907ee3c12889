/** The codes the verifiers raise: evidence, its certificate chains and its collateral. */
import { CORE_ERROR_CODES, defineErrorCodes, errorClass } from '@confide/core';

export const EVIDENCE_ERROR_CODES = defineErrorCodes('evidence', {
  ERR_EVIDENCE_MALFORMED: { expose: true, summary: 'Evidence bytes are truncated or do not follow the format.' },
  ERR_EVIDENCE_UNSUPPORTED: { expose: true, summary: 'The evidence version, type or key algorithm is not supported.' },
  ERR_EVIDENCE_SIGNATURE_INVALID: { expose: true, summary: 'A signature over the evidence, a certificate or collateral does not verify.' },
  ERR_EVIDENCE_CHAIN_INVALID: { expose: true, summary: 'A certificate chain is broken: wrong issuer, bad extension, or not a CA.' },
  ERR_EVIDENCE_UNTRUSTED_ROOT: { expose: true, summary: 'A certificate chain ends at a root that is not pinned.' },
  ERR_EVIDENCE_REVOKED: { expose: true, summary: 'A certificate in the chain is listed in a CRL.' },
  ERR_EVIDENCE_BINDING_MISMATCH: { expose: true, summary: 'Report data or another binding does not match what was expected.' },
  ERR_COLLATERAL_MISSING: { expose: true, summary: 'Collateral needed to verify the evidence is not available.' },
  ERR_COLLATERAL_MALFORMED: { expose: true, summary: 'Collateral (TCB Info, QE Identity, CRL, certificate) cannot be parsed or does not match the evidence.' },
  ERR_COLLATERAL_FETCH_FAILED: { expose: true, summary: 'Collateral could not be fetched from the configured provider.' },
});

/** Raises the codes evidence knows: its own and core's. */
export const EvidenceError = errorClass(CORE_ERROR_CODES, EVIDENCE_ERROR_CODES);
export type EvidenceError = InstanceType<typeof EvidenceError>;
export type EvidenceErrorCode = EvidenceError['code'];
