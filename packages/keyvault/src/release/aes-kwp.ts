/**
 * AES key wrap with padding (RFC 5649) on node:crypto's `id-aesN-wrap-pad` (OpenSSL's
 * implementation, tested here against the RFC's published vectors).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** RFC 5649 §3: the alternative initial value's 32-bit constant; the length half is OpenSSL's to add. */
const AIV_PREFIX = Buffer.from('a65959a6', 'hex');

function cipherName(kek: Uint8Array): string {
  if (kek.length !== 16 && kek.length !== 24 && kek.length !== 32) throw new RangeError(`an AES key wrap key is 16, 24 or 32 bytes, not ${kek.length}`);
  return `id-aes${kek.length * 8}-wrap-pad`;
}

/** Wraps `plaintext` (1 byte or more) under `kek`: the output is ceil(len/8)*8 + 8 bytes. */
export function aesKeyWrapPad(kek: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (plaintext.length === 0) throw new RangeError('RFC 5649 wraps at least one byte');
  const c = createCipheriv(cipherName(kek), kek, AIV_PREFIX);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
}

/** Unwraps; throws (OpenSSL's integrity check) when the ciphertext or the key is wrong. */
export function aesKeyUnwrapPad(kek: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const d = createDecipheriv(cipherName(kek), kek, AIV_PREFIX);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}
