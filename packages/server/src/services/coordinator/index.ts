/**
 * The coordinator as `confide serve` runs it: in dev mode the file seal provider in the data
 * directory, in production a key derived from the operator's `seal.keyFile`; and
 * in dev mode the instance simulation key for both sides of attestation (simulated marble
 * evidence is accepted; the coordinator's own quote is simulated evidence over its root).
 */
import { createHash, hkdfSync, X509Certificate } from 'node:crypto';
import { CoordinatorService, createFileSealProvider, createMemorySealProvider, type SealProvider } from '@confide/coordinator';
import type { Clock } from '@confide/core';
import type { CollateralProvider, TrustAnchors } from '@confide/evidence';
import type { Store } from '@confide/store';
import { readKeyFile } from '../../seal/index.js';
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
  /**
   * The operator's seal key file (`seal.keyFile`). When given, the coordinator's wrapping key is
   * derived from it (HKDF-SHA256, its own label, so it never equals the instance seal key) and
   * no key is written to the data directory. A different key at a later start means recovery.
   */
  sealKeyFile?: string | undefined;
  clock?: Clock | undefined;
  trustAnchors?: TrustAnchors | undefined;
  /**
   * The listener's TLS certificate (PEM, leaf first, or DER). Given, the quote carries the root's
   * signature over its key, so a client can tie the HTTPS channel to the attested coordinator.
   */
  tlsCertificate?: string | Uint8Array | undefined;
}

/** Hex SHA-256 of a certificate's SubjectPublicKeyInfo DER (of the first certificate of a PEM chain). */
export function tlsSpkiSha256(certificate: string | Uint8Array): string {
  const spki = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

/** The measurement the simulated coordinator reports: fixed per Confide version, so clients can pin it. */
export function simulatedCoordinatorMeasurement(): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`confide-coordinator/${VERSION}`).digest());
}

function sealProvider(options: ServerCoordinatorOptions): SealProvider {
  if (options.sealKeyFile === undefined) return createFileSealProvider({ dataDir: options.dataDir });
  const instanceKey = readKeyFile(options.sealKeyFile, 'seal.keyFile');
  return createMemorySealProvider(new Uint8Array(hkdfSync('sha256', instanceKey, new Uint8Array(0), 'confide/coordinator-seal/v1', 32)));
}

/** Starts the coordinator (opens or creates its sealed state). Throws as CoordinatorService.start; a tlsCertificate that does not parse throws as node's X509Certificate. */
export async function startServerCoordinator(options: ServerCoordinatorOptions): Promise<CoordinatorService> {
  const key = options.simulationKey;
  const coordinator = await CoordinatorService.start({
    store: options.store,
    seal: options.seal ?? sealProvider(options),
    clock: options.clock,
    evidence: {
      collateral: options.collateral,
      ...(key ? { simulationKeys: async () => [key.spki] } : {}),
      ...(options.trustAnchors ? { trustAnchors: options.trustAnchors } : {}),
    },
    // Without a TEE to ask, production answers an empty quote, as MarbleRun does in simulation.
    quote: key ? (reportData) => simulateQuote(key, { measurement: simulatedCoordinatorMeasurement(), reportData }) : undefined,
  });
  if (options.tlsCertificate !== undefined) coordinator.bindTls(tlsSpkiSha256(options.tlsCertificate));
  return coordinator;
}
