/**
 * Users and roles from the manifest. A user is recognised by presenting exactly the certificate
 * the manifest lists for them (issuer, subject and expiry do not matter, as in MarbleRun); roles
 * then decide what they may do.
 */
import { pemDecode, timingSafeEqual } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';

/** What a role grants: an action on a resource type, for the named resources. */
export type Permission =
  | { resource: 'Secrets'; action: 'ReadSecret' | 'WriteSecret'; name: string }
  | { resource: 'Packages'; action: 'UpdateSecurityVersion'; name: string }
  | { resource: 'Manifest'; action: 'UpdateManifest' };

/** The DER of the first certificate in `pem`; undefined when it holds none that decodes. */
function certDer(pem: string): Uint8Array | undefined {
  try {
    return pemDecode(pem, 'CERTIFICATE');
  } catch {
    return undefined;
  }
}

/**
 * The name of the manifest user whose certificate is `clientCert` (DER). Throws
 * ERR_UNAUTHENTICATED when no certificate was presented or it belongs to no user.
 */
export function authenticateUser(manifest: Manifest, clientCert: Uint8Array | undefined): string {
  if (clientCert === undefined || clientCert.length === 0) {
    throw new CoordinatorError('ERR_UNAUTHENTICATED', 'this endpoint needs a client certificate of a manifest user');
  }
  for (const name of Object.keys(manifest.Users).sort()) {
    const der = certDer(manifest.Users[name]!.Certificate);
    if (der !== undefined && timingSafeEqual(der, clientCert)) return name;
  }
  throw new CoordinatorError('ERR_UNAUTHENTICATED', 'the client certificate belongs to no user of the manifest');
}

/** True when one of `user`'s roles grants `permission`. Actions compare case-insensitively, as in MarbleRun. */
function isPermitted(manifest: Manifest, user: string, permission: Permission): boolean {
  const roles = Object.hasOwn(manifest.Users, user) ? manifest.Users[user]!.Roles : [];
  return roles.some((roleName) => {
    const role = Object.hasOwn(manifest.Roles, roleName) ? manifest.Roles[roleName] : undefined;
    if (role === undefined || role.ResourceType !== permission.resource) return false;
    if (!role.Actions.some((a) => a.toLowerCase() === permission.action.toLowerCase())) return false;
    return permission.resource === 'Manifest' || role.ResourceNames.includes(permission.name);
  });
}

/** Throws ERR_FORBIDDEN unless `user` holds `permission`. */
export function requirePermission(manifest: Manifest, user: string, permission: Permission): void {
  if (isPermitted(manifest, user, permission)) return;
  const what = permission.resource === 'Manifest' ? 'the manifest' : `${permission.resource === 'Secrets' ? 'secret' : 'package'} ${permission.name}`;
  throw new CoordinatorError('ERR_FORBIDDEN', `user ${user} may not ${permission.action} on ${what}`, {
    details: { user, action: permission.action, ...(permission.resource === 'Manifest' ? {} : { resource: permission.name }) },
  });
}

/** Users holding UpdateManifest, sorted: the ones who acknowledge a full manifest update. */
export function manifestUpdaters(manifest: Manifest): string[] {
  return Object.keys(manifest.Users)
    .filter((u) => isPermitted(manifest, u, { resource: 'Manifest', action: 'UpdateManifest' }))
    .sort();
}
