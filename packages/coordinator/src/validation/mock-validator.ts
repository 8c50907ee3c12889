/**
 * A validator for tests that accepts any evidence and returns the claims the test gives (as
 * MarbleRun's MockValidator): the coordinator's own checks (package match, binding, TEE) then run
 * on exactly those claims. Never wired by the server.
 */
import { toHex } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Claims } from '@confide/evidence';
import type { EvidenceExpectation, EvidenceValidator } from './port.js';

/** Claims of a debug-off, up-to-date simulated TEE with `fields` laid over them. */
function mockClaims(fields: Partial<Claims> = {}): Claims {
  return {
    tee: 'sim',
    debug: false,
    measurement: '00'.repeat(32),
    reportData: '00'.repeat(64),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    collateralExpired: false,
    expiredCollateral: [],
    verifiedAt: new Date(0).toISOString(),
    ...fields,
  } as Claims;
}

export interface MockValidator extends EvidenceValidator {
  /** Every call so far: the evidence and what was expected of it. */
  readonly calls: Array<{ evidence: Uint8Array; expected: EvidenceExpectation }>;
}

/**
 * Answers `claims(evidence)` for any evidence. The report data, when expected, is copied into the
 * claims unless the given claims name one; a TEE expectation is enforced like a real verifier
 * (ERR_EVIDENCE_UNSUPPORTED), a mismatching report data gives ERR_EVIDENCE_BINDING_MISMATCH.
 */
export function createMockValidator(claims: (evidence: Uint8Array) => Partial<Claims> = () => ({})): MockValidator {
  const calls: MockValidator['calls'] = [];
  return {
    calls,
    async validate(evidence, expected) {
      calls.push({ evidence, expected });
      const given = claims(evidence);
      const out = mockClaims({ ...(expected.tee ? { tee: expected.tee } : {}), ...given });
      if (expected.tee !== undefined && out.tee !== expected.tee) throw new CoordinatorError('ERR_EVIDENCE_UNSUPPORTED', `mock evidence is ${out.tee}, not ${expected.tee}`);
      if (expected.reportData) {
        // As the real verifiers: the expected bytes are the leading bytes of the report data.
        const want = toHex(expected.reportData);
        if (given.reportData === undefined) out.reportData = want.padEnd(128, '0');
        else if (!given.reportData.startsWith(want)) throw new CoordinatorError('ERR_EVIDENCE_BINDING_MISMATCH', 'mock evidence carries other report data');
      }
      return out;
    },
  };
}
