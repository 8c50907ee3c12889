/** Secret values as the coordinator keeps them (MarbleRun's manifest.Secret without the definition fields). */
import type { SecretType } from '../manifest/types.js';

/**
 * One secret's material. Symmetric keys and plain data sit in both `Public` and `Private`
 * (as in MarbleRun); certificates carry DER `Cert`, SPKI DER `Public` and PKCS#8 DER `Private`.
 * A user-defined secret that was not uploaded yet has only `Type`. Plain data of Uint8Arrays:
 * the state codec (core/state-codec.ts) serialises it; seal it, never log it.
 */
export interface SecretValue {
  /** '' for the coordinator's own entries under .MarbleRun. */
  Type: SecretType | '';
  Cert?: Uint8Array;
  Public?: Uint8Array;
  Private?: Uint8Array;
}

export type SecretMap = Record<string, SecretValue>;

/** A marble instance for which per-marble secrets are made. */
export interface MarbleBinding {
  uuid: string;
  /** The marble's name in the manifest (its type). */
  name: string;
  /** Manifest Marble.DisableSecretBinding: leave the name out of key derivation. */
  disableSecretBinding?: boolean;
}
