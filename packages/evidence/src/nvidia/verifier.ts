/** The NVIDIA GPU / NVSwitch verifier behind the common EvidenceVerifier interface. */
import type { EvidenceVerifier } from '../types.js';
import { parseNvidiaEvidence, type NvidiaEvidence } from './evidence.js';
import { verifyNvidiaEvidence } from './verify-evidence.js';

/** Parses and verifies NVIDIA SPDM 1.1 attestation reports (raw, or a JSON entry with its chain). */
export const nvidiaVerifier: EvidenceVerifier<NvidiaEvidence> = {
  tee: 'nvidia',
  parse: parseNvidiaEvidence,
  verify: verifyNvidiaEvidence,
};
