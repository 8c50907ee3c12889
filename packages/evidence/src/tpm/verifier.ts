/** The TPM verifier behind the common EvidenceVerifier interface. */
import type { EvidenceVerifier } from '../types.js';
import type { TpmEvidence } from './evidence.js';
import { parseTpmEvidenceJson } from './evidence-json.js';
import { verifyTpmEvidence } from './verify-evidence.js';

/** Parses TPM evidence JSON (Confide's, Trustee's or go-attestation's shape) and verifies it. */
export const tpmVerifier: EvidenceVerifier<TpmEvidence> = {
  tee: 'tpm',
  parse: parseTpmEvidenceJson,
  verify: verifyTpmEvidence,
};
