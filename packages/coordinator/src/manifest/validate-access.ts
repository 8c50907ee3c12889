/** Users, roles, recovery keys and Config: who may do what, and how the state is protected. */
import { X509Certificate } from 'node:crypto';
import { isConfideError } from '@confide/core';
import { parseRecoveryKey, SHAMIR_MAX_SHARES } from '../recovery/index.js';
import { featureGateOf } from './feature-gates.js';
import type { Manifest, Role } from './types.js';
import { lookup, type ViolationList } from './violation.js';

/** Action names, compared lower-cased as MarbleRun does. */
const ROLE_ACTIONS = {
  Packages: ['updatesecurityversion'],
  Secrets: ['readsecret', 'writesecret'],
  Manifest: ['updatemanifest'],
} as const;

const SEAL_MODES = ['', 'ProductKey', 'UniqueKey', 'Disabled'];

/** True when the role grants UpdateManifest. */
function grantsManifestUpdate(role: Role | undefined): boolean {
  return role?.ResourceType === 'Manifest' && role.Actions.some((a) => a.toLowerCase() === 'updatemanifest');
}

/** Names of the users who hold UpdateManifest through any of their roles. */
export function manifestUpdaters(m: Manifest): string[] {
  return Object.entries(m.Users)
    .filter(([, user]) => user.Roles.some((r) => grantsManifestUpdate(lookup(m.Roles, r))))
    .map(([name]) => name);
}

function validateUsers(m: Manifest, v: ViolationList): void {
  const seen = new Map<string, string>();
  for (const [name, user] of Object.entries(m.Users)) {
    const at = ['Users', name];
    if (user.Certificate === '') {
      v.error('user.certificate-missing', [...at, 'Certificate'], 'the user has no Certificate');
    } else {
      let der: string | undefined;
      try {
        der = new X509Certificate(user.Certificate).raw.toString('hex');
      } catch {
        v.error('user.certificate-invalid', [...at, 'Certificate'], 'Certificate is not a PEM X.509 certificate');
      }
      if (der !== undefined) {
        const other = seen.get(der);
        if (other !== undefined) v.error('user.certificate-duplicate', [...at, 'Certificate'], `the same certificate as user "${other}"`);
        else seen.set(der, name);
      }
    }
    user.Roles.forEach((role, i) => {
      if (!lookup(m.Roles, role)) v.error('user.role-missing', [...at, 'Roles', i], `role "${role}" is not in Roles`);
    });
  }
}

function validateRole(m: Manifest, name: string, role: Role, v: ViolationList): void {
  const at = ['Roles', name];
  const type = role.ResourceType;
  if (type !== 'Packages' && type !== 'Secrets' && type !== 'Manifest') {
    v.error('role.resource-type-unknown', [...at, 'ResourceType'], `unknown ResourceType "${type}" (Packages, Secrets, Manifest)`);
    return;
  }
  if (role.Actions.length === 0) v.warn('role.no-actions', [...at, 'Actions'], 'the role grants no action');
  const allowed: readonly string[] = ROLE_ACTIONS[type];
  role.Actions.forEach((action, i) => {
    if (!allowed.includes(action.toLowerCase())) v.error('role.action-unknown', [...at, 'Actions', i], `"${action}" is not an action on ${type}`);
  });
  const actions = role.Actions.map((a) => a.toLowerCase());
  if (type === 'Manifest') {
    if (role.ResourceNames.length > 0) v.error('role.manifest-resource-names', [...at, 'ResourceNames'], 'a Manifest role takes no ResourceNames');
    return;
  }
  role.ResourceNames.forEach((resource, i) => {
    const here = [...at, 'ResourceNames', i];
    if (type === 'Packages') {
      if (!lookup(m.Packages, resource)) v.error('role.resource-missing', here, `package "${resource}" is not in Packages`);
      return;
    }
    const secret = lookup(m.Secrets, resource);
    if (!secret) {
      v.error('role.resource-missing', here, `secret "${resource}" is not in Secrets`);
      return;
    }
    if (actions.includes('writesecret') && !secret.UserDefined) v.error('role.write-not-user-defined', here, `WriteSecret on "${resource}", which is not UserDefined`);
    if (actions.includes('readsecret') && !secret.Shared && !secret.UserDefined) v.error('role.read-per-marble', here, `ReadSecret on "${resource}", which is unique per marble`);
  });
}

function validateRecovery(m: Manifest, v: ViolationList): void {
  const seen = new Map<string, string>();
  for (const [name, pem] of Object.entries(m.RecoveryKeys)) {
    try {
      const der = parseRecoveryKey(name, pem).export({ format: 'der', type: 'spki' }).toString('hex');
      const other = seen.get(der);
      if (other !== undefined) v.warn('recovery.key-duplicate', ['RecoveryKeys', name], `the same key as "${other}"`);
      else seen.set(der, name);
    } catch (err) {
      if (!isConfideError(err, 'ERR_RECOVERY_KEYS_INVALID')) throw err;
      v.error('recovery.key-invalid', ['RecoveryKeys', name], err.message);
    }
  }
  const n = Object.keys(m.RecoveryKeys).length;
  const t = m.Config.RecoveryThreshold;
  const at = ['Config', 'RecoveryThreshold'];
  if (t === 1) v.error('config.recovery-threshold', at, 'RecoveryThreshold 1 lets any single key holder recover; use 0 (all keys) or 2 or more');
  else if (t > n) v.error('config.recovery-threshold', at, `RecoveryThreshold ${t} is more than the ${n} RecoveryKeys`);
  else if (t > 1 && t < n && n > SHAMIR_MAX_SHARES) v.error('config.recovery-threshold', at, `a threshold works with at most ${SHAMIR_MAX_SHARES} RecoveryKeys`);
}

function validateConfig(m: Manifest, v: ViolationList): void {
  const c = m.Config;
  if (!SEAL_MODES.includes(c.SealMode)) v.error('config.seal-mode-unknown', ['Config', 'SealMode'], `unknown SealMode "${c.SealMode}"`);
  c.FeatureGates.forEach((gate, i) => {
    if (!featureGateOf(gate)) v.error('config.feature-gate-unknown', ['Config', 'FeatureGates', i], `unknown feature gate "${gate}"`);
  });
  const updaters = manifestUpdaters(m).length;
  if (c.UpdateThreshold > updaters) {
    v.error('config.update-threshold', ['Config', 'UpdateThreshold'], `UpdateThreshold ${c.UpdateThreshold} is more than the ${updaters} user(s) with UpdateManifest`);
  }
}

/** Checks Users, Roles, RecoveryKeys and Config; adds secrets named by roles to `used`. */
export function validateAccess(m: Manifest, v: ViolationList, used: Set<string>): void {
  validateUsers(m, v);
  for (const [name, role] of Object.entries(m.Roles)) {
    validateRole(m, name, role, v);
    if (role.ResourceType === 'Secrets') role.ResourceNames.forEach((r) => used.add(r));
  }
  validateRecovery(m, v);
  validateConfig(m, v);
}
