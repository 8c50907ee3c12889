/**
 * The JSON the keys API answers with: KeyBundle, KeyItem and their deleted forms. Byte fields
 * are base64url without padding, times Unix seconds; `kid` is `<origin>/keys/<name>/<version>`
 * at the origin root, as the official client parses it.
 */
import { toBase64Url } from '@confide/core';
import { keyTypeOf } from '../model/key-types.js';
import type { KeyVersionMeta } from '../model/key-meta.js';
import type { ReleasePolicy } from '../model/key-version.js';

export interface DeletedInfo {
  deletedDate: number;
  scheduledPurgeDate: number;
}

export function kidOf(origin: string, name: string, version: string): string {
  return `${origin}/keys/${name}/${version}`;
}

export function wireAttributes(meta: KeyVersionMeta): Record<string, unknown> {
  const a = meta.attributes;
  return {
    enabled: a.enabled,
    ...(a.nbf !== undefined ? { nbf: a.nbf } : {}),
    ...(a.exp !== undefined ? { exp: a.exp } : {}),
    created: a.created,
    updated: a.updated,
    recoveryLevel: a.recoveryLevel,
    recoverableDays: a.recoverableDays,
    exportable: meta.exportable,
  };
}

export function wireReleasePolicy(policy: ReleasePolicy): Record<string, unknown> {
  return { contentType: policy.contentType, data: toBase64Url(policy.data), immutable: policy.immutable };
}

/** The `key` member: the public JWK with kid, kty and key_ops. */
export function wireKey(meta: KeyVersionMeta, origin: string): Record<string, unknown> {
  return { kid: kidOf(origin, meta.name, meta.version), kty: keyTypeOf(meta.family, meta.hsm), key_ops: meta.keyOps, ...meta.publicJwk };
}

export function keyBundle(meta: KeyVersionMeta, origin: string, deleted?: DeletedInfo): Record<string, unknown> {
  return {
    key: wireKey(meta, origin),
    attributes: wireAttributes(meta),
    tags: meta.tags,
    ...(meta.releasePolicy ? { release_policy: wireReleasePolicy(meta.releasePolicy) } : {}),
    ...(deleted ? deletedMembers(meta.name, origin, deleted) : {}),
  };
}

export function keyItem(meta: KeyVersionMeta, origin: string, deleted?: DeletedInfo): Record<string, unknown> {
  return {
    kid: kidOf(origin, meta.name, meta.version),
    attributes: wireAttributes(meta),
    tags: meta.tags,
    ...(deleted ? deletedMembers(meta.name, origin, deleted) : {}),
  };
}

function deletedMembers(name: string, origin: string, d: DeletedInfo): Record<string, unknown> {
  return { recoveryId: `${origin}/deletedkeys/${name}`, deletedDate: d.deletedDate, scheduledPurgeDate: d.scheduledPurgeDate };
}
