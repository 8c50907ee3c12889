/**
 * Authenticated encryption of key material before it reaches the store (AES-256-GCM).
 * Blob layout (version 1):
 *   [0]      format version (1)
 *   [1..9)   key id: first 8 bytes of SHA-256("confide-seal-key-id" || key), names the key without revealing it
 *   [9..21)  random 96-bit nonce
 *   [21..n-16) ciphertext
 *   [n-16..n) GCM tag
 * The GCM additional data is the 9-byte header followed by the UTF-8 `aad` context, so a blob
 * opens only under the same key and for the same purpose (for example the kid it belongs to).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { toHex, type ConfideError } from '@confide/core';
import { ServerError } from '../errors/index.js';

const FORMAT_V1 = 1;
const KEY_ID_LENGTH = 8;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + KEY_ID_LENGTH;
const MIN_BLOB = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH;
/** Length of a seal key in bytes (AES-256). */
export const SEAL_KEY_LENGTH = 32;

/** Seals and unseals small secrets with one key. */
export interface Seal {
  /** Hex key id written into every blob; lets an operator tell which key a blob needs. */
  readonly keyId: string;
  /** Encrypts `plaintext`, bound to the context string `aad`. */
  seal(plaintext: Uint8Array, aad: string): Uint8Array;
  /** Decrypts a blob made by `seal` with the same key and `aad`. Throws ERR_SEAL_UNSEAL_FAILED. */
  unseal(blob: Uint8Array, aad: string): Uint8Array;
}

function keyIdOf(key: Uint8Array): Uint8Array {
  return createHash('sha256').update('confide-seal-key-id').update(key).digest().subarray(0, KEY_ID_LENGTH);
}

function unsealFailed(reason: string): ConfideError {
  return new ServerError('ERR_SEAL_UNSEAL_FAILED', `cannot unseal: ${reason}`);
}

/** A seal over a 32-byte key held in memory. Throws ERR_CONFIG_INVALID for a key of another length. */
export function createSeal(key: Uint8Array): Seal {
  if (key.length !== SEAL_KEY_LENGTH) {
    throw new ServerError('ERR_CONFIG_INVALID', `seal key must be ${SEAL_KEY_LENGTH} bytes, got ${key.length}`);
  }
  const secret = Buffer.from(key); // private copy: callers may wipe or reuse theirs
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = FORMAT_V1;
  header.set(keyIdOf(secret), 1);
  const additional = (aad: string): Buffer => Buffer.concat([header, Buffer.from(aad, 'utf8')]);
  const keyId = toHex(header.subarray(1));

  return {
    keyId,
    seal(plaintext, aad) {
      const nonce = randomBytes(NONCE_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', secret, nonce, { authTagLength: TAG_LENGTH });
      cipher.setAAD(additional(aad));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return new Uint8Array(Buffer.concat([header, nonce, body, cipher.getAuthTag()]));
    },
    unseal(blob, aad) {
      if (blob.length < MIN_BLOB) throw unsealFailed('blob too short');
      if (blob[0] !== FORMAT_V1) throw unsealFailed(`unknown format version ${blob[0]}`);
      const kid = toHex(blob.subarray(1, HEADER_LENGTH));
      if (kid !== keyId) throw unsealFailed(`sealed with key ${kid}, this seal holds key ${keyId}`);
      const nonce = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH);
      const body = blob.subarray(HEADER_LENGTH + NONCE_LENGTH, blob.length - TAG_LENGTH);
      const decipher = createDecipheriv('aes-256-gcm', secret, nonce, { authTagLength: TAG_LENGTH });
      decipher.setAAD(additional(aad));
      decipher.setAuthTag(blob.subarray(blob.length - TAG_LENGTH));
      try {
        return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
      } catch (err) {
        throw new ServerError('ERR_SEAL_UNSEAL_FAILED', 'cannot unseal: authentication failed (wrong context or altered bytes)', { cause: err });
      }
    },
  };
}
