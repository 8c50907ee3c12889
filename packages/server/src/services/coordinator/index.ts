/**
 * The coordinator as the server runs it: in dev mode the instance simulation key serves both
 * sides of attestation (simulated marble evidence is accepted; the coordinator's own quote is
 * simulated evidence over its root). The seal provider and TLS key come from the composition root.
 */
import { createHash } from 'node:crypto';
import { CoordinatorService, type CoordinatorOptions, type SealProvider, type TeeSealProviders } from '@confide/coordinator';
import type { Clock } from '@confide/core';
import type { CollateralProvider, TrustAnchors } from '@confide/evidence';
import type { Store } from '@confide/store';
import { simulateQuote, type SimulationKey } from '../../sim/index.js';
import { VERSION } from '../../version.js';

export interface ServerCoordinatorOptions {
  store: Store;
  seal: SealProvider;
  /** The TEE's keys for SealMode ProductKey and UniqueKey (production); absent, `seal` stands in. */
  teeSeal?: TeeSealProviders | undefined;
  collateral: CollateralProvider;
  /** Dev mode only: accepts simulated marble evidence and simulates the coordinator's quote. */
  simulationKey?: SimulationKey | undefined;
  clock?: Clock | undefined;
  trustAnchors?: TrustAnchors | undefined;
  /**
   * Hex SHA-256 of the listener's TLS SubjectPublicKeyInfo. Given, the quote carries the root's
   * signature over it, so a client can tie the HTTPS channel to the attested coordinator.
   */
  tlsSpkiSha256?: string | undefined;
  /** The TEE's evidence over 64 bytes of report data (production); ignored when simulationKey is given. */
  quote?: ((reportData: Uint8Array) => Promise<Uint8Array>) | undefined;
  /** Production refuses simulated packages and leaves starting over to the operator. */
  mode?: 'dev' | 'production' | undefined;
  /** PEM certificate or public key of whoever may set the first manifest (coordinator.firstManifestKey). */
  firstManifestKey?: string | undefined;
  /** The operator's decision to discard an unopenable sealed state (coordinator.startOver). */
  startOver?: boolean | undefined;
  /** Told each operation's audit entries once committed (the ledger mirror). */
  onAudit?: CoordinatorOptions['onAudit'];
}

/** The measurement the simulated coordinator reports: fixed per Confide version, so clients can pin it. */
export function simulatedCoordinatorMeasurement(): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`confide-coordinator/${VERSION}`).digest());
}

/** Starts the coordinator (opens or creates its sealed state). Throws as CoordinatorService.start. */
export async function startServerCoordinator(options: ServerCoordinatorOptions): Promise<CoordinatorService> {
  const key = options.simulationKey;
  const coordinator = await CoordinatorService.start({
    store: options.store,
    seal: options.seal,
    teeSeal: options.teeSeal,
    clock: options.clock,
    mode: options.mode,
    firstManifestKey: options.firstManifestKey,
    startOver: options.startOver,
    onAudit: options.onAudit,
    evidence: {
      collateral: options.collateral,
      ...(key ? { simulationKeys: async () => [key.spki] } : {}),
      ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}),
    },
    // Without a TEE to ask (coordinator.unattested), an empty quote, as MarbleRun answers in simulation.
    quote: key ? (reportData) => simulateQuote(key, { measurement: simulatedCoordinatorMeasurement(), reportData }) : options.quote,
  });
  if (options.tlsSpkiSha256 !== undefined) coordinator.bindTls(options.tlsSpkiSha256);
  return coordinator;
}
