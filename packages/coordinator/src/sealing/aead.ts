/**
 * AES-256-GCM through WebCrypto, shared by the sealed-state format and the file seal provider.
 * Blob: header || 96-bit random nonce || ciphertext || 128-bit tag. The additional data is the
 * header followed by a UTF-8 context string, so a blob opens only in the format version and
 * for the purpose it was made for.
 */
import { concatBytes, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';

export const AES_KEY_LENGTH = 32;
const GCM_NONCE_LENGTH = 12;
const GCM_TAG_LENGTH = 16;

async function importAesKey(key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  if (key.length !== AES_KEY_LENGTH) throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `an AES-256 key must be ${AES_KEY_LENGTH} bytes, got ${key.length}`);
  return crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, [usage]);
}

/** Encrypts `plaintext` under `key`; the result starts with `header`. */
export async function gcmSeal(key: Uint8Array, plaintext: Uint8Array, header: Uint8Array, context: string): Promise<Uint8Array> {
  const nonce = crypto.getRandomValues(new Uint8Array(GCM_NONCE_LENGTH));
  const body = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: concatBytes(header, utf8(context)) as Uint8Array<ArrayBuffer>, tagLength: GCM_TAG_LENGTH * 8 },
    await importAesKey(key, 'encrypt'),
    plaintext as Uint8Array<ArrayBuffer>,
  );
  return concatBytes(header, nonce, new Uint8Array(body));
}

/**
 * Decrypts a blob made by `gcmSeal` whose header is `headerLength` bytes; the caller has checked
 * the header. Throws ERR_SEAL_UNSEAL_FAILED (short blob, wrong key or context, altered bytes).
 */
export async function gcmOpen(key: Uint8Array, blob: Uint8Array, headerLength: number, context: string): Promise<Uint8Array> {
  if (blob.length < headerLength + GCM_NONCE_LENGTH + GCM_TAG_LENGTH) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'cannot unseal: blob too short');
  }
  const header = blob.subarray(0, headerLength);
  const nonce = blob.subarray(headerLength, headerLength + GCM_NONCE_LENGTH);
  const body = blob.subarray(headerLength + GCM_NONCE_LENGTH);
  const cryptoKey = await importAesKey(key, 'decrypt');
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData: concatBytes(header, utf8(context)) as Uint8Array<ArrayBuffer>, tagLength: GCM_TAG_LENGTH * 8 },
      cryptoKey,
      body as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  } catch (err) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'cannot unseal: authentication failed (wrong key or context, or altered bytes)', { cause: err });
  }
}
