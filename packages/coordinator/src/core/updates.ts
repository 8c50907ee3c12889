/**
 * Manifest updates, as MarbleRun: a package update raises SecurityVersions (users holding
 * UpdateSecurityVersion on each package); a full update replaces the manifest once
 * UpdateThreshold users holding UpdateManifest have uploaded the same bytes. Both rotate the
 * intermediate, so certificates from before the update stop verifying under the new one.
 */
import { CoordinatorError } from '../errors.js';
import { readManifest } from '../manifest/parse.js';
import type { Manifest } from '../manifest/types.js';
import { rotateIntermediate, rotateRootSecret } from '../pki/ca.js';
import { generateSharedSecrets } from '../secrets/generate.js';
import { updateLogLine, type Change } from './change.js';
import { fingerprintOf, recoveryOf } from './manifest-ops.js';
import { checkManifest, isPackageUpdateBytes, packageUpdate } from './ports.js';
import type { DeploymentState, PendingUpdate, StateData } from './state.js';
import { manifestUpdaters, requirePermission } from './users.js';

export interface UpdateProgress {
  /** Acknowledgements still needed; 0 once the update is applied. */
  missingAcknowledgments: number;
  /** Updaters who have not acknowledged yet. */
  missingUsers: string[];
  /** True when this call applied the update. */
  applied: boolean;
}

function progressOf(pending: PendingUpdate): UpdateProgress {
  const missing = Math.max(0, pending.threshold - pending.acknowledgedBy.length);
  return { missingAcknowledgments: missing, missingUsers: pending.updaters.filter((u) => !pending.acknowledgedBy.includes(u)), applied: false };
}

/** The change for POST /update: a package update, or the proposal (and first acknowledgement) of a full update. */
export async function updateChange(state: StateData, user: string, bytes: Uint8Array, now: Date): Promise<Change<UpdateProgress>> {
  const deployment = state.deployment!;
  if (isPackageUpdateBytes(bytes)) return packageUpdateChange(state, user, bytes, now);
  requirePermission(deployment.manifest, user, { resource: 'Manifest', action: 'UpdateManifest' });
  if (deployment.pending) {
    throw new CoordinatorError('ERR_COORDINATOR_STATE', 'a manifest update is already pending; acknowledge or cancel it first', {
      details: { state: 3, stateName: 'accepting marbles', operation: 'manifest update', pending: deployment.pending.fingerprint },
    });
  }
  checkManifest(bytes); // refuse a broken manifest now, not when the last acknowledgement arrives
  const updaters = manifestUpdaters(deployment.manifest);
  const threshold = deployment.manifest.Config.UpdateThreshold || updaters.length;
  const pending: PendingUpdate = {
    manifest: bytes.slice(),
    fingerprint: await fingerprintOf(bytes),
    updaters,
    threshold,
    acknowledgedBy: [user],
    proposedBy: user,
    proposedAt: now.toISOString(),
  };
  return acknowledged(state, pending, user, now, 'proposed');
}

/** The change for POST /update-manifest: one more acknowledgement of the pending update, applying it at the threshold. */
export async function acknowledgeChange(state: StateData, user: string, bytes: Uint8Array, now: Date): Promise<Change<UpdateProgress>> {
  const deployment = state.deployment!;
  requirePermission(deployment.manifest, user, { resource: 'Manifest', action: 'UpdateManifest' });
  const pending = requirePending(state);
  if ((await fingerprintOf(bytes)) !== pending.fingerprint) {
    throw new CoordinatorError('ERR_VALIDATION', 'the uploaded manifest is not the pending update', { details: { pending: pending.fingerprint } });
  }
  if (pending.acknowledgedBy.includes(user)) return { result: progressOf(pending) };
  return acknowledged(state, { ...pending, acknowledgedBy: [...pending.acknowledgedBy, user] }, user, now, 'acknowledged');
}

/** The change for POST /update-cancel. */
export function cancelChange(state: StateData, user: string, now: Date): Change<{ cancelled: string }> {
  const deployment = state.deployment!;
  requirePermission(deployment.manifest, user, { resource: 'Manifest', action: 'UpdateManifest' });
  const pending = requirePending(state);
  const { pending: _dropped, ...rest } = deployment;
  return {
    next: { ...state, deployment: { ...rest, updateLog: [...deployment.updateLog, updateLogLine(now, { update: 'manifest update cancelled', user, fingerprint: pending.fingerprint })] } },
    result: { cancelled: pending.fingerprint },
    audit: [{ type: 'manifest.update.cancel', actor: user, details: { fingerprint: pending.fingerprint } }],
  };
}

/** The pending update; throws ERR_NOT_FOUND when there is none. */
function requirePending(state: StateData): PendingUpdate {
  const pending = state.deployment?.pending;
  if (!pending) throw new CoordinatorError('ERR_NOT_FOUND', 'there is no pending manifest update');
  return pending;
}

/** GET /update-manifest: the pending manifest and who still has to acknowledge it. */
export function pendingView(state: StateData): { manifest: Uint8Array; fingerprint: string } & UpdateProgress {
  const pending = requirePending(state);
  return { manifest: pending.manifest, fingerprint: pending.fingerprint, ...progressOf(pending) };
}

async function acknowledged(state: StateData, pending: PendingUpdate, user: string, now: Date, what: 'proposed' | 'acknowledged'): Promise<Change<UpdateProgress>> {
  const deployment = state.deployment!;
  const audit = [{ type: 'manifest.update.acknowledge' as const, actor: user, details: { fingerprint: pending.fingerprint, acknowledgements: pending.acknowledgedBy.length, threshold: pending.threshold } }];
  if (pending.acknowledgedBy.length < pending.threshold) {
    const log = updateLogLine(now, { update: `manifest update ${what}`, user, fingerprint: pending.fingerprint });
    return { next: { ...state, deployment: { ...deployment, pending, updateLog: [...deployment.updateLog, log] } }, result: progressOf(pending), audit };
  }
  const applied = await applyFullUpdate(state, pending, now);
  return { ...applied, audit: [...audit, ...(applied.audit ?? [])] };
}

async function applyFullUpdate(state: StateData, pending: PendingUpdate, now: Date): Promise<Change<UpdateProgress>> {
  const before = state.deployment!;
  const manifest = checkManifest(pending.manifest);
  let pki = await rotateIntermediate(state.pki, now);
  if (manifest.Config.RotateRootSecret) pki = rotateRootSecret(pki);
  const { secrets, previous } = await generateSharedSecrets(manifest.Secrets, pki, {
    now,
    before: { definitions: before.manifest.Secrets, secrets: before.secrets, previous: before.previousSecrets ?? before.secrets },
    rotateRootSecret: manifest.Config.RotateRootSecret,
  });
  const deployment: DeploymentState = {
    manifestBytes: pending.manifest,
    fingerprint: pending.fingerprint,
    manifest,
    secrets,
    previousSecrets: previous,
    updateLog: [...before.updateLog, updateLogLine(now, { update: 'manifest updated', fingerprint: pending.fingerprint, acknowledgedBy: pending.acknowledgedBy })],
  };
  const recoveryChanged = !sameRecovery(before.manifest, manifest);
  return {
    next: { ...state, pki, deployment },
    result: { missingAcknowledgments: 0, missingUsers: [], applied: true },
    ...(recoveryChanged ? { recovery: recoveryOf(manifest) } : {}),
    audit: [{ type: 'manifest.update', actor: pending.proposedBy, details: { from: before.fingerprint, to: pending.fingerprint, acknowledgedBy: pending.acknowledgedBy } }],
  };
}

function sameRecovery(a: Manifest, b: Manifest): boolean {
  const keys = (m: Manifest) => JSON.stringify(Object.entries(m.RecoveryKeys).sort(([x], [y]) => (x < y ? -1 : 1)));
  return keys(a) === keys(b) && a.Config.RecoveryThreshold === b.Config.RecoveryThreshold;
}

async function packageUpdateChange(state: StateData, user: string, bytes: Uint8Array, now: Date): Promise<Change<UpdateProgress>> {
  const deployment = state.deployment!;
  for (const name of Object.keys(readManifest(bytes).manifest.Packages)) {
    requirePermission(deployment.manifest, user, { resource: 'Packages', action: 'UpdateSecurityVersion', name });
  }
  const { manifest, changed } = packageUpdate(deployment.manifest, bytes);
  const pki = await rotateIntermediate(state.pki, now);
  const lines = Object.entries(changed).map(([pkg, v]) => updateLogLine(now, { update: 'SecurityVersion increased', user, package: pkg, 'new version': v.SecurityVersion ?? v.GuestSvn }));
  return {
    next: { ...state, pki, deployment: { ...deployment, manifest, updateLog: [...deployment.updateLog, ...lines] } },
    result: { missingAcknowledgments: 0, missingUsers: [], applied: true },
    audit: [{ type: 'package.update', actor: user, details: { packages: changed } }],
  };
}
