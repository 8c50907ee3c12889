/** The Azure confidential VM verifier behind the common EvidenceVerifier interface. */
import type { EvidenceVerifier } from '../types.js';
import type { AzureCvmEvidence } from './evidence.js';
import { parseAzureCvmEvidenceJson } from './evidence-json.js';
import { verifyAzureCvmEvidence } from './verify-evidence.js';

/** Parses Trustee's az-snp-vtpm / az-tdx-vtpm evidence JSON (every version) and verifies it. */
export const azureCvmVerifier: EvidenceVerifier<AzureCvmEvidence> = {
  tee: 'azure-cvm',
  parse: parseAzureCvmEvidenceJson,
  verify: verifyAzureCvmEvidence,
};
