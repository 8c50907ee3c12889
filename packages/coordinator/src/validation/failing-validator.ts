/**
 * A validator for tests that refuses every evidence (as MarbleRun's FailValidator): proves that
 * a refusal leaves nothing behind (no activation record, no audit entry, no certificate).
 */
import { CoordinatorError } from '../errors.js';
import type { EvidenceValidator } from './port.js';

/** Throws ERR_EVIDENCE_SIGNATURE_INVALID for any evidence. */
export function createFailingValidator(): EvidenceValidator & { calls: number } {
  const validator = {
    calls: 0,
    async validate(): Promise<never> {
      validator.calls++;
      throw new CoordinatorError('ERR_EVIDENCE_SIGNATURE_INVALID', 'the failing validator refuses all evidence');
    },
  };
  return validator;
}
