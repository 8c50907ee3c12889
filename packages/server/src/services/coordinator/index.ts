/**
 * The coordinator as `confide serve` runs it: the file seal provider in the data directory, and
 * in dev mode the instance simulation key for both sides of attestation (simulated marble
 * evidence is accepted; the coordinator's own quote is simulated evidence over its root).
 */
import { createHash } from 'node:crypto';
import { CoordinatorService, createFileSealProvider, type SealProvider } from '@confide/coordinator';
import type { Clock } from '@confide/core';
import type { CollateralProvider, TrustAnchors } from '@confide/evidence';
import type { Store } from '@confide/store';
import { simulateQuote, type SimulationKey } from '../../sim/index.js';
import { VERSION } from '../../version.js';

export interface ServerCoordinatorOptions {
  store: Store;
  dataDir: string;
  collateral: CollateralProvider;
  /** Dev mode only: accepts simulated marble evidence and simulates the coordinator's quote. */
  simulationKey?: SimulationKey | undefined;
  /** Replaces the file seal provider (tests). */
  seal?: SealProvider | undefined;
  clock?: Clock | undefined;
  trustAnchors?: TrustAnchors | undefined;
}

/** The measurement the simulated coordinator reports: fixed per Confide version, so clients can pin it. */
export function simulatedCoordinatorMeasurement(): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`confide-coordinator/${VERSION}`).digest());
}

/** Starts the coordinator (opens or creates its sealed state). Throws as CoordinatorService.start. */
export function startServerCoordinator(options: ServerCoordinatorOptions): Promise<CoordinatorService> {
  const key = options.simulationKey;
  return CoordinatorService.start({
    store: options.store,
    seal: options.seal ?? createFileSealProvider({ dataDir: options.dataDir }),
    clock: options.clock,
    evidence: {
      collateral: options.collateral,
      ...(key ? { simulationKeys: async () => [key.spki] } : {}),
      ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}),
    },
    // Without a TEE to ask, production answers an empty quote, as MarbleRun does in simulation.
    quote: key ? (reportData) => simulateQuote(key, { measurement: simulatedCoordinatorMeasurement(), reportData }) : undefined,
  });
}
