/** The TDX evidence verifier: Intel DCAP ECDSA quotes (v4 TD 1.0, v5 TD 1.0/1.5) whose TEE type is TDX. */
import { intelTeeVerifier } from '../intel/tee-verifier.js';
import type { IntelQuote } from '../intel/quote-types.js';
import type { EvidenceVerifier } from '../types.js';

/** Parses and verifies TDX quotes; throws as verifyIntelQuote does, and ERR_EVIDENCE_UNSUPPORTED for an SGX quote. */
export const tdxVerifier: EvidenceVerifier<IntelQuote> = intelTeeVerifier('tdx');
