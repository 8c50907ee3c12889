/**
 * What the coordinator keeps sealed. One object, written whole in the store transaction that
 * changes it, so a reader always sees a consistent manifest, PKI and secrets. Activations are
 * not part of it (core/activation-ledger.ts): they would make it grow with every marble.
 */
import type { CoordinatorPki } from '../pki/types.js';
import type { Manifest } from '../manifest/types.js';
import type { SecretMap } from '../secrets/types.js';

/** A full manifest update waiting for acknowledgements. */
export interface PendingUpdate {
  /** The proposed manifest bytes. */
  manifest: Uint8Array;
  /** Hex SHA-256 of `manifest`; acknowledgements must upload the same bytes. */
  fingerprint: string;
  /** Users with UpdateManifest at the time of the proposal (the current manifest's). */
  updaters: string[];
  /** Acknowledgements needed in all. */
  threshold: number;
  acknowledgedBy: string[];
  proposedBy: string;
  proposedAt: string;
}

/** The manifest part of the state; absent while the coordinator waits for a manifest. */
export interface DeploymentState {
  /** The manifest bytes as set (or as last fully updated): GET /manifest returns these. */
  manifestBytes: Uint8Array;
  /** Hex SHA-256 of `manifestBytes`. */
  fingerprint: string;
  /** The manifest in force: `manifestBytes` parsed, with package updates applied. */
  manifest: Manifest;
  /** Secret values by name: generated shared secrets and uploaded user-defined ones. */
  secrets: SecretMap;
  /** The secret values before the last full manifest update (`.Previous` in templates). */
  previousSecrets?: SecretMap;
  /** MarbleRun's update log: one JSON object per line. */
  updateLog: string[];
  pending?: PendingUpdate;
}

export interface StateData {
  version: 1;
  /** Created at first start, before any manifest: the quote endpoint attests the root from the start. */
  pki: CoordinatorPki;
  audit: { privateKeyJwk: JsonWebKey; publicKeyJwk: JsonWebKey };
  deployment?: DeploymentState;
}
