/** The keys API's operations on a loaded key, from request fields (base64url) to result bytes. */
import { decrypt, encrypt, signWith, unwrapKey, verify, wrapKey, type LoadedKey, type RsaPrivateOperation } from '@confide/keyvault';
import { bad, decode } from './key-requests.js';

export type OperationName = 'sign' | 'verify' | 'encrypt' | 'decrypt' | 'wrapKey' | 'unwrapKey';

export interface OperationRequest {
  alg?: unknown;
  value?: unknown;
  digest?: unknown;
  iv?: unknown;
  aad?: unknown;
  tag?: unknown;
}

export interface OperationResult {
  value?: Uint8Array;
  verified?: boolean;
  iv?: Uint8Array;
  tag?: Uint8Array;
  aad?: Uint8Array;
}

const optional = (v: unknown, field: string): Uint8Array | undefined => (v === undefined || v === null ? undefined : decode(v, field));

/** Runs `op`; a signature's RSA private operation goes through `rsaPrivate`. */
export async function runOperation(key: LoadedKey, op: OperationName, r: OperationRequest, rsaPrivate: RsaPrivateOperation): Promise<OperationResult> {
  if (typeof r.alg !== 'string' || r.alg === '') throw bad('alg is required');
  const alg = r.alg;
  switch (op) {
    case 'sign':
      return { value: await signWith(key, alg, decode(r.value, 'value'), rsaPrivate) };
    case 'verify':
      return { verified: verify(key, alg, decode(r.digest, 'digest'), decode(r.value, 'value')) };
    case 'encrypt':
      return encrypt(key, { alg, value: decode(r.value, 'value'), iv: optional(r.iv, 'iv'), aad: optional(r.aad, 'aad') });
    case 'decrypt':
      return { value: decrypt(key, { alg, value: decode(r.value, 'value'), iv: optional(r.iv, 'iv'), aad: optional(r.aad, 'aad'), tag: optional(r.tag, 'tag') }) };
    case 'wrapKey':
      return { value: wrapKey(key, alg, decode(r.value, 'value')) };
    case 'unwrapKey':
      return { value: unwrapKey(key, alg, decode(r.value, 'value')) };
  }
}
