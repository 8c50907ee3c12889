/** The simulated TEE behind the common EvidenceVerifier interface. */
import type { EvidenceVerifier } from '../types.js';
import { parseSimEvidence, type SimEvidence } from './parse.js';
import { verifySimEvidence } from './verify-evidence.js';

/** Parses and verifies Confide simulated evidence (development only; needs ctx.simulationKeys). */
export const simVerifier: EvidenceVerifier<SimEvidence> = {
  tee: 'sim',
  parse: parseSimEvidence,
  verify: verifySimEvidence,
};
