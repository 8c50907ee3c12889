/** Setting the first manifest, and reading it back with the root's signature. */
import { digest, toHex } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { caSigningKey } from '../pki/keys.js';
import type { Manifest } from '../manifest/types.js';
import { generateSharedSecrets } from '../secrets/generate.js';
import { updateLogLine, type Change } from './change.js';
import { p1363ToDer } from './der-signature.js';
import { checkManifest } from './ports.js';
import type { DeploymentState, StateData } from './state.js';

/** Hex SHA-256 of manifest bytes: MarbleRun's manifest fingerprint. */
export async function fingerprintOf(bytes: Uint8Array): Promise<string> {
  return toHex(await digest('SHA-256', bytes));
}

/** MarbleRun's manifest signature: ECDSA (root key) over SHA-256 of the manifest bytes, ASN.1 DER. */
export async function signWithRoot(state: StateData, data: Uint8Array): Promise<Uint8Array> {
  const key = await caSigningKey(state.pki.rootKey);
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data as Uint8Array<ArrayBuffer>);
  return p1363ToDer(new Uint8Array(signature));
}

/** The recovery split a manifest asks for: its RecoveryKeys, or null for none. */
export function recoveryOf(manifest: Manifest): { keys: Record<string, string>; threshold: number } | null {
  return Object.keys(manifest.RecoveryKeys).length === 0 ? null : { keys: { ...manifest.RecoveryKeys }, threshold: manifest.Config.RecoveryThreshold };
}

/**
 * Checks a manifest and builds the deployment it describes: shared secrets generated,
 * user-defined ones waiting for upload. Throws ERR_MANIFEST_INVALID (every violation in details).
 */
async function newDeployment(state: StateData, bytes: Uint8Array, now: Date): Promise<DeploymentState> {
  const manifest = checkManifest(bytes);
  const { secrets, previous } = await generateSharedSecrets(manifest.Secrets, state.pki, { now });
  const fingerprint = await fingerprintOf(bytes);
  return {
    manifestBytes: bytes.slice(),
    fingerprint,
    manifest,
    secrets,
    previousSecrets: previous,
    updateLog: [updateLogLine(now, { update: 'initial manifest set', fingerprint })],
  };
}

/** The change that sets the first manifest on `state` (accepting manifest, or a fresh state in recovery). */
export async function setManifestChange(state: StateData, bytes: Uint8Array, now: Date): Promise<Change<{ fingerprint: string }>> {
  if (state.deployment) throw new CoordinatorError('ERR_INTERNAL', 'setManifestChange on a state that has a manifest');
  const deployment = await newDeployment(state, bytes, now);
  return {
    next: { ...state, deployment },
    result: { fingerprint: deployment.fingerprint },
    recovery: recoveryOf(deployment.manifest),
    audit: [
      {
        type: 'manifest.set',
        actor: 'coordinator',
        // The audit key is named so that a later start-over (audit.epoch) can name the key before it.
        details: {
          fingerprint: deployment.fingerprint,
          recoveryKeys: Object.keys(deployment.manifest.RecoveryKeys).sort(),
          auditPublicKeyJwk: { kty: state.audit.publicKeyJwk.kty, crv: state.audit.publicKeyJwk.crv, x: state.audit.publicKeyJwk.x, y: state.audit.publicKeyJwk.y },
        },
      },
    ],
  };
}
