/**
 * AES-256-GCM, shared by the sealed-state format and the file seal provider.
 * Blob: header || 96-bit random nonce || ciphertext || 128-bit tag. The additional data is the
 * header followed by a UTF-8 context string, so a blob opens only in the format version and
 * for the purpose it was made for.
 *
 * node:crypto's cipher runs on the calling thread: for a blob of a few hundred bytes that costs a
 * few microseconds, where WebCrypto's import and encrypt each hand a job to libuv's pool and back
 * (about 45 µs of this thread and two pool wake-ups per seal, measured on every activation). The
 * bytes are the same as WebCrypto's AES-GCM (ciphertext then tag), so blobs from either open.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { concatBytes, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';

export const AES_KEY_LENGTH = 32;
const GCM_NONCE_LENGTH = 12;
const GCM_TAG_LENGTH = 16;
const CIPHER = 'aes-256-gcm';

function checkKey(key: Uint8Array): void {
  if (key.length !== AES_KEY_LENGTH) throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `an AES-256 key must be ${AES_KEY_LENGTH} bytes, got ${key.length}`);
}

/** Encrypts `plaintext` under `key`; the result starts with `header`. */
export async function gcmSeal(key: Uint8Array, plaintext: Uint8Array, header: Uint8Array, context: string): Promise<Uint8Array> {
  checkKey(key);
  const nonce = randomFillSync(new Uint8Array(GCM_NONCE_LENGTH));
  const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: GCM_TAG_LENGTH });
  cipher.setAAD(concatBytes(header, utf8(context)));
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return concatBytes(header, nonce, body, last, cipher.getAuthTag());
}

/**
 * Decrypts a blob made by `gcmSeal` whose header is `headerLength` bytes; the caller has checked
 * the header. Throws ERR_SEAL_UNSEAL_FAILED (short blob, wrong key or context, altered bytes).
 */
export async function gcmOpen(key: Uint8Array, blob: Uint8Array, headerLength: number, context: string): Promise<Uint8Array> {
  if (blob.length < headerLength + GCM_NONCE_LENGTH + GCM_TAG_LENGTH) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'cannot unseal: blob too short');
  }
  checkKey(key);
  const header = blob.subarray(0, headerLength);
  const nonce = blob.subarray(headerLength, headerLength + GCM_NONCE_LENGTH);
  const body = blob.subarray(headerLength + GCM_NONCE_LENGTH, blob.length - GCM_TAG_LENGTH);
  try {
    const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: GCM_TAG_LENGTH });
    decipher.setAAD(concatBytes(header, utf8(context)));
    decipher.setAuthTag(blob.subarray(blob.length - GCM_TAG_LENGTH));
    const plain = decipher.update(body);
    return concatBytes(plain, decipher.final());
  } catch (err) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'cannot unseal: authentication failed (wrong key or context, or altered bytes)', { cause: err });
  }
}
