/** One stored version of a key: its material (private parts included), attributes and policy. */
import type { Curve, KeyOperation } from './key-types.js';

/**
 * A JSON Web Key with its private parts, base64url fields as in RFC 7518. Only the vault
 * holds this shape; what leaves it is the public view.
 */
export type PrivateJwk =
  | { kty: 'RSA'; n: string; e: string; d: string; p: string; q: string; dp: string; dq: string; qi: string }
  | { kty: 'EC'; crv: Curve; x: string; y: string; d: string }
  | { kty: 'oct'; k: string };

/** Attributes the service keeps per version; times are Unix seconds. */
export interface KeyAttributes {
  enabled: boolean;
  /** Not valid before (Unix seconds). */
  nbf?: number;
  /** Expires (Unix seconds). */
  exp?: number;
  created: number;
  updated: number;
  recoveryLevel: string;
  recoverableDays: number;
}

/** A key release policy as the vault keeps it; `data` is the policy document's bytes. */
export interface ReleasePolicy {
  contentType: string;
  data: Uint8Array;
  /** Once true, the policy can no longer change. */
  immutable: boolean;
}

/** A key version as the vault holds it (decrypted). */
export interface StoredKeyVersion {
  name: string;
  version: string;
  jwk: PrivateJwk;
  /** Created or imported as HSM-protected (`RSA-HSM`, `EC-HSM`, `oct-HSM`). */
  hsm: boolean;
  keyOps: KeyOperation[];
  attributes: KeyAttributes;
  tags: Record<string, string>;
  /** Whether the private key may be released (then a release policy is required). */
  exportable: boolean;
  releasePolicy?: ReleasePolicy;
}
