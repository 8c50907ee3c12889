/** The algorithms of each operation, by key family, as the service names them. */
import type { Curve, KeyFamily } from '../model/key-types.js';
import type { HashName } from './hashes.js';

export type SignatureAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

export interface SignatureSpec {
  family: 'RSA' | 'EC';
  scheme: 'pkcs1' | 'pss' | 'ecdsa';
  hash: Exclude<HashName, 'sha1'>;
  /** ES algorithms name their curve. */
  curve?: Curve;
}

export const SIGNATURE_ALGORITHMS: Record<SignatureAlgorithm, SignatureSpec> = {
  RS256: { family: 'RSA', scheme: 'pkcs1', hash: 'sha256' },
  RS384: { family: 'RSA', scheme: 'pkcs1', hash: 'sha384' },
  RS512: { family: 'RSA', scheme: 'pkcs1', hash: 'sha512' },
  PS256: { family: 'RSA', scheme: 'pss', hash: 'sha256' },
  PS384: { family: 'RSA', scheme: 'pss', hash: 'sha384' },
  PS512: { family: 'RSA', scheme: 'pss', hash: 'sha512' },
  ES256: { family: 'EC', scheme: 'ecdsa', hash: 'sha256', curve: 'P-256' },
  ES384: { family: 'EC', scheme: 'ecdsa', hash: 'sha384', curve: 'P-384' },
  ES512: { family: 'EC', scheme: 'ecdsa', hash: 'sha512', curve: 'P-521' },
};

/** RSA encryption and key wrapping: OAEP hash, or PKCS#1 v1.5. */
export const RSA_ENCRYPTION: Record<string, { padding: 'oaep' | 'pkcs1'; hash?: HashName }> = {
  'RSA-OAEP': { padding: 'oaep', hash: 'sha1' },
  'RSA-OAEP-256': { padding: 'oaep', hash: 'sha256' },
  RSA1_5: { padding: 'pkcs1' },
};

/** AES encryption modes by algorithm, with the key length they need. */
export const AES_ENCRYPTION: Record<string, { mode: 'gcm' | 'cbc' | 'cbcpad'; bytes: number }> = {
  A128GCM: { mode: 'gcm', bytes: 16 },
  A192GCM: { mode: 'gcm', bytes: 24 },
  A256GCM: { mode: 'gcm', bytes: 32 },
  A128CBC: { mode: 'cbc', bytes: 16 },
  A192CBC: { mode: 'cbc', bytes: 24 },
  A256CBC: { mode: 'cbc', bytes: 32 },
  A128CBCPAD: { mode: 'cbcpad', bytes: 16 },
  A192CBCPAD: { mode: 'cbcpad', bytes: 24 },
  A256CBCPAD: { mode: 'cbcpad', bytes: 32 },
};

/** AES key wrap (RFC 3394) by algorithm, with the key length it needs. */
export const AES_KEY_WRAP: Record<string, number> = { A128KW: 16, A192KW: 24, A256KW: 32 };

/** The operations a new key of each family allows when the request names none. */
export const DEFAULT_KEY_OPS: Record<KeyFamily, Array<'encrypt' | 'decrypt' | 'sign' | 'verify' | 'wrapKey' | 'unwrapKey'>> = {
  RSA: ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'],
  EC: ['sign', 'verify'],
  oct: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
};
