/**
 * The bodies of the keys API (create, import, update) read into domain values. Every malformed
 * or unsupported field is ERR_KEY_BAD_PARAMETER naming it; fastify's schema only checks types.
 */
import { fromBase64 } from '@confide/core';
import { parseKeyReleasePolicy } from '@confide/policy';
import { CURVES, KEY_OPERATIONS, KEY_TYPES, KeyVaultError, keyFamily, OCT_SIZES, RSA_SIZES, type Curve, type KeyOperation, type KeySpec, type KeyType, type ReleasePolicy } from '@confide/keyvault';

export interface AttributesInput {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  exportable?: boolean;
}

export interface ReleasePolicyInput {
  contentType?: string;
  data?: string;
  immutable?: boolean;
}

export interface CreateKeyBody {
  kty: string;
  key_size?: number;
  public_exponent?: number;
  crv?: string;
  key_ops?: string[];
  attributes?: AttributesInput;
  tags?: Record<string, string>;
  release_policy?: ReleasePolicyInput;
}

export interface ImportKeyBody {
  key: Record<string, unknown>;
  Hsm?: boolean;
  attributes?: AttributesInput;
  tags?: Record<string, string>;
  release_policy?: ReleasePolicyInput;
}

export interface UpdateKeyBody {
  key_ops?: string[];
  attributes?: AttributesInput;
  tags?: Record<string, string>;
  release_policy?: ReleasePolicyInput;
}

export function bad(message: string): KeyVaultError {
  return new KeyVaultError('ERR_KEY_BAD_PARAMETER', message);
}

export function keyTypeOfRequest(kty: string): KeyType {
  if (!(KEY_TYPES as readonly string[]).includes(kty)) throw bad(`kty must be one of ${KEY_TYPES.join(', ')}`);
  return kty as KeyType;
}

/** What to generate for a create request. */
export function keySpecOf(body: CreateKeyBody): KeySpec {
  const family = keyFamily(keyTypeOfRequest(body.kty));
  if (family === 'RSA') {
    const size = body.key_size ?? 2048;
    if (!(RSA_SIZES as readonly number[]).includes(size)) throw bad(`key_size of an RSA key must be one of ${RSA_SIZES.join(', ')}`);
    const publicExponent = body.public_exponent ?? 65537;
    if (publicExponent !== 65537 && publicExponent !== 3) throw bad('public_exponent must be 65537 (or 3)');
    return { family, size, publicExponent };
  }
  if (family === 'EC') {
    const curve = body.crv ?? 'P-256';
    if (!(CURVES as readonly string[]).includes(curve)) throw bad(`crv must be one of ${CURVES.join(', ')}`);
    return { family, curve: curve as Curve };
  }
  const size = body.key_size ?? 256;
  if (!(OCT_SIZES as readonly number[]).includes(size)) throw bad(`key_size of an oct key must be one of ${OCT_SIZES.join(', ')}`);
  return { family, size };
}

export function keyOpsOf(ops: string[] | undefined, fallback: readonly KeyOperation[]): KeyOperation[] {
  if (ops === undefined) return [...fallback];
  for (const op of ops) if (!(KEY_OPERATIONS as readonly string[]).includes(op)) throw bad(`key_ops: unknown operation ${op}`);
  return [...new Set(ops)] as KeyOperation[];
}

export function timesOf(a: AttributesInput | undefined): { nbf?: number; exp?: number } {
  const out: { nbf?: number; exp?: number } = {};
  for (const k of ['nbf', 'exp'] as const) {
    const v = a?.[k];
    if (v === undefined || v === null) continue;
    if (!Number.isSafeInteger(v) || v < 0) throw bad(`attributes.${k} must be Unix seconds`);
    out[k] = v;
  }
  if (out.nbf !== undefined && out.exp !== undefined && out.exp <= out.nbf) throw bad('attributes.exp must be after attributes.nbf');
  return out;
}

export function tagsOf(tags: Record<string, string> | undefined): Record<string, string> {
  if (tags === undefined) return {};
  if (Object.keys(tags).length > 15) throw bad('at most 15 tags');
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== 'string' || k.length > 512 || v.length > 256) throw bad(`tag ${k.slice(0, 40)}: names are at most 512 characters, values strings of at most 256`);
  }
  return { ...tags };
}

const MAX_POLICY_BYTES = 10 * 1024;

/** The release policy of a request: base64url data that holds a JSON document. */
export function releasePolicyOf(input: ReleasePolicyInput | undefined): ReleasePolicy | undefined {
  if (input === undefined) return undefined;
  if (typeof input.data !== 'string' || input.data.length === 0) throw bad('release_policy.data must be the base64url of the policy JSON');
  let data: Uint8Array;
  try {
    data = fromBase64(input.data);
  } catch {
    throw bad('release_policy.data must be the base64url of a JSON policy document');
  }
  if (data.length > MAX_POLICY_BYTES) throw bad(`release_policy.data is larger than ${MAX_POLICY_BYTES} bytes`);
  // Refused when set (ERR_KEY_RELEASE_POLICY_INVALID naming the path), never half-understood at release.
  parseKeyReleasePolicy(new TextDecoder().decode(data));
  return { contentType: input.contentType ?? 'application/json; charset=utf-8', data, immutable: input.immutable === true };
}

/** A version or key name from a path. */
export function checkName(name: string): string {
  if (!/^[0-9A-Za-z-]{1,127}$/.test(name)) throw bad('a key name is 1 to 127 letters, digits and dashes');
  return name;
}

/** Base64url (or base64) of a request field. Throws ERR_KEY_BAD_PARAMETER naming it. */
export function decode(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string') throw bad(`${field} must be a base64url string`);
  try {
    return fromBase64(value);
  } catch {
    throw bad(`${field} is not base64url`);
  }
}
