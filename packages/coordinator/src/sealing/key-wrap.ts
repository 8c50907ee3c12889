/**
 * The wrapped data key as the built-in providers write it (version 1):
 *   [0]      format version
 *   [1..9)   key id: the first 8 bytes of SHA-256("confide-seal-key-id" || seal key)
 *   [9..21)  nonce, then the encrypted data key and the GCM tag
 * The key id tells "sealed under another key" (recovery) apart from "altered bytes" without
 * revealing the key.
 */
import { concatBytes, digest, timingSafeEqual, toHex, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { gcmOpen, gcmSeal } from './aead.js';

const WRAP_FORMAT_V1 = 1;
const KEY_ID_LENGTH = 8;
const HEADER_LENGTH = 1 + KEY_ID_LENGTH;
const CONTEXT = 'confide/coordinator/data-key';

async function keyIdBytes(sealKey: Uint8Array): Promise<Uint8Array> {
  return (await digest('SHA-256', concatBytes(utf8('confide-seal-key-id'), sealKey))).subarray(0, KEY_ID_LENGTH);
}

/** Wraps `dataKey` under `sealKey`. */
export async function wrapDataKey(sealKey: Uint8Array, dataKey: Uint8Array): Promise<Uint8Array> {
  return gcmSeal(sealKey, dataKey, concatBytes(Uint8Array.of(WRAP_FORMAT_V1), await keyIdBytes(sealKey)), CONTEXT);
}

/**
 * Unwraps a blob from `wrapDataKey`. Throws ERR_SEAL_UNSEAL_FAILED with details.reason
 * "format", "key-mismatch" (wrapped under another seal key) or "authentication" (altered bytes).
 */
export async function unwrapDataKey(sealKey: Uint8Array, blob: Uint8Array): Promise<Uint8Array> {
  if (blob.length < HEADER_LENGTH || blob[0] !== WRAP_FORMAT_V1) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'cannot unwrap the data key: unknown format', { details: { reason: 'format' } });
  }
  if (!timingSafeEqual(blob.subarray(1, HEADER_LENGTH), await keyIdBytes(sealKey))) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `the data key was wrapped under seal key ${toHex(blob.subarray(1, HEADER_LENGTH))}, not this one`, {
      details: { reason: 'key-mismatch' },
    });
  }
  try {
    return await gcmOpen(sealKey, blob, HEADER_LENGTH, CONTEXT);
  } catch (err) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'cannot unwrap the data key: authentication failed (altered bytes)', { cause: err, details: { reason: 'authentication' } });
  }
}
