/** The SGX evidence verifier: Intel DCAP ECDSA quotes (v3, v4, v5) whose TEE type is SGX. */
import { intelTeeVerifier } from '../intel/tee-verifier.js';
import type { IntelQuote } from '../intel/quote-types.js';
import type { EvidenceVerifier } from '../types.js';

/** Parses and verifies SGX quotes; throws as verifyIntelQuote does, and ERR_EVIDENCE_UNSUPPORTED for a TDX quote. */
export const sgxVerifier: EvidenceVerifier<IntelQuote> = intelTeeVerifier('sgx');
