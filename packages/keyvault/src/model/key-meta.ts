/**
 * What the store keeps in clear about a version (the public description the API serves) and
 * its JSON form. The private JWK is never part of it: that is sealed separately.
 */
import { toBase64Url, fromBase64 } from '@confide/core';
import type { KeyFamily, KeyOperation } from './key-types.js';
import type { KeyAttributes, PrivateJwk, ReleasePolicy, StoredKeyVersion } from './key-version.js';
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

export function metaToJson(meta: KeyVersionMeta): string {
  const { name: _n, version: _v, releasePolicy, ...rest } = meta;
  const out: MetaJson = { ...rest };
  if (releasePolicy) out.releasePolicy = { contentType: releasePolicy.contentType, data: toBase64Url(releasePolicy.data), immutable: releasePolicy.immutable };
  return JSON.stringify(out);
}

export function metaFromJson(name: string, version: string, text: string): KeyVersionMeta {
  const m = JSON.parse(text) as MetaJson;
  const { releasePolicy, ...rest } = m;
  const policy: ReleasePolicy | undefined = releasePolicy && { contentType: releasePolicy.contentType, data: fromBase64(releasePolicy.data), immutable: releasePolicy.immutable };
  return { name, version, ...rest, ...(policy ? { releasePolicy: policy } : {}) };
}
