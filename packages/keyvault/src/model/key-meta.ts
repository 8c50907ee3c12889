/**
 * What the store keeps in clear about a version (the public description the API serves) and
 * its JSON form. The private JWK is never part of it: that is sealed separately.
 */
import { toBase64Url, fromBase64 } from '@confide/core';
import type { KeyFamily, KeyOperation } from './key-types.js';
import type { KeyAttributes, PrivateJwk, StoredKeyVersion } from './key-version.js';
import { publicJwkOf } from '../crypto/key-object.js';

export interface KeyVersionMeta extends Omit<StoredKeyVersion, 'jwk'> {
  family: KeyFamily;
  /** Public members (n, e / crv, x, y); none for oct. */
  publicJwk: Record<string, string>;
  /** Key size in bits (RSA modulus, oct key); for rotation. */
  size?: number;
}

interface MetaJson {
  family: KeyFamily;
  hsm: boolean;
  publicJwk: Record<string, string>;
  size?: number;
  keyOps: KeyOperation[];
  attributes: KeyAttributes;
  tags: Record<string, string>;
  exportable: boolean;
  releasePolicy?: { contentType: string; data: string; immutable: boolean };
}

/** The meta of a version built from its private JWK. */
export function metaOf(version: StoredKeyVersion): KeyVersionMeta {
  const { jwk, ...rest } = version;
  return { ...rest, family: jwk.kty, publicJwk: publicJwkOf(jwk), ...sizeOf(jwk) };
}

function sizeOf(jwk: PrivateJwk): { size?: number } {
  if (jwk.kty === 'RSA') return { size: Buffer.from(jwk.n, 'base64url').length * 8 };
  if (jwk.kty === 'oct') return { size: Buffer.from(jwk.k, 'base64url').length * 8 };
  return {};
}

/**
 * The stored JSON of `meta`: its named members only, whatever else the object carries. The column
 * is in clear, so nothing reaches it by being spread along (a rotation once wrote the loaded
 * private key of the version it copied).
 */
export function metaToJson(meta: KeyVersionMeta): string {
  const out: MetaJson = {
    family: meta.family,
    hsm: meta.hsm,
    publicJwk: meta.publicJwk,
    ...(meta.size !== undefined ? { size: meta.size } : {}),
    keyOps: meta.keyOps,
    attributes: meta.attributes,
    tags: meta.tags,
    exportable: meta.exportable,
  };
  const policy = meta.releasePolicy;
  if (policy) out.releasePolicy = { contentType: policy.contentType, data: toBase64Url(policy.data), immutable: policy.immutable };
  return JSON.stringify(out);
}

/** The meta of a stored row: its named members only, so a member a row should not hold is dropped at its next write. */
export function metaFromJson(name: string, version: string, text: string): KeyVersionMeta {
  const m = JSON.parse(text) as MetaJson;
  const p = m.releasePolicy;
  return {
    name,
    version,
    family: m.family,
    hsm: m.hsm,
    publicJwk: m.publicJwk,
    ...(m.size !== undefined ? { size: m.size } : {}),
    keyOps: m.keyOps,
    attributes: m.attributes,
    tags: m.tags,
    exportable: m.exportable,
    ...(p ? { releasePolicy: { contentType: p.contentType, data: fromBase64(p.data), immutable: p.immutable } } : {}),
  };
}
