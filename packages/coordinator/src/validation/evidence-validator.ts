/** The validator the server runs: @confide/evidence's verifiers with the configured collateral and roots. */
import type { Clock } from '@confide/core';
import { verifyEvidence, type CollateralProvider, type TrustAnchors, type VerifyContext } from '@confide/evidence';
import type { EvidenceValidator } from './port.js';

/** Evidence verification settings for activation and sign-quote. */
export interface EvidenceSettings {
  collateral: CollateralProvider;
  /** Simulation public keys whose evidence 'sim' packages accept (dev mode only; absent in production). */
  simulationKeys?: (() => Promise<ReadonlyArray<CryptoKey | Uint8Array>>) | undefined;
  /** Replaces the pinned vendor roots (tests only). */
  trustAnchors?: TrustAnchors | undefined;
}

/** Verifies evidence with `settings` at `clock`'s time. */
export function createEvidenceValidator(settings: EvidenceSettings, clock: Clock): EvidenceValidator {
  return {
    async validate(evidence, expected) {
      const ctx: VerifyContext = { clock, collateral: settings.collateral };
      if (expected.reportData) ctx.expectedReportData = expected.reportData;
      if (settings.trustAnchors) ctx.trustAnchors = settings.trustAnchors;
      // Simulation keys only where simulated evidence may be the answer: a named TEE other than sim never needs them.
      if (settings.simulationKeys && (expected.tee === undefined || expected.tee === 'sim')) ctx.simulationKeys = await settings.simulationKeys();
      return verifyEvidence(evidence, expected.tee ? { tee: expected.tee } : {}, ctx);
    },
  };
}
