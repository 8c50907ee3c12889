/**
 * Keys at rest: a version's private JWK is encrypted under the vault root key (AES-256-GCM)
 * before it reaches the store, with the key's identity in the associated data, so a row moved
 * to another name or version, or altered, does not open.
 * Blob layout (version 1): [0] format 1 | [1..13) nonce | ciphertext | [n-16..n) GCM tag.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyVaultError } from '../errors.js';
import type { PrivateJwk } from '../model/key-version.js';

const FORMAT_V1 = 1;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/** The associated data: a purpose label, then the identity, NUL-separated (names hold no NUL). */
function identity(purpose: string, name: string, version: string): Buffer {
  return Buffer.from(`confide-keyvault/${purpose}/v1\0${name}\0${version}`, 'utf8');
}

/** AES-256-GCM of `plaintext` under `rootKey`, bound to (purpose, name, version). */
export function encryptUnderRoot(rootKey: Uint8Array, purpose: string, name: string, version: string, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', rootKey, nonce);
  cipher.setAAD(identity(purpose, name, version));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.of(FORMAT_V1), nonce, body, cipher.getAuthTag()]));
}

/** Opens a blob of `encryptUnderRoot`; undefined when it does not open (another key, identity or purpose, or altered). */
export function decryptUnderRoot(rootKey: Uint8Array, purpose: string, name: string, version: string, blob: Uint8Array): Uint8Array | undefined {
  if (blob.length < 1 + NONCE_LENGTH + TAG_LENGTH || blob[0] !== FORMAT_V1) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', rootKey, blob.subarray(1, 1 + NONCE_LENGTH));
    decipher.setAAD(identity(purpose, name, version));
    decipher.setAuthTag(blob.subarray(blob.length - TAG_LENGTH));
    return new Uint8Array(Buffer.concat([decipher.update(blob.subarray(1 + NONCE_LENGTH, blob.length - TAG_LENGTH)), decipher.final()]));
  } catch {
    return undefined;
  }
}

/** The sealed form of a version's private JWK, for the store. */
export function sealKeyMaterial(rootKey: Uint8Array, name: string, version: string, jwk: PrivateJwk): Uint8Array {
  return encryptUnderRoot(rootKey, 'key', name, version, Buffer.from(JSON.stringify(jwk), 'utf8'));
}

/** The private JWK of a stored version. Throws ERR_KEY_MATERIAL_UNREADABLE when it does not open. */
export function openKeyMaterial(rootKey: Uint8Array, name: string, version: string, sealed: Uint8Array): PrivateJwk {
  const plain = decryptUnderRoot(rootKey, 'key', name, version, sealed);
  if (!plain) throw new KeyVaultError('ERR_KEY_MATERIAL_UNREADABLE', `the material of key ${name}/${version} does not open under the vault root key`);
  return JSON.parse(Buffer.from(plain).toString('utf8')) as PrivateJwk;
}
