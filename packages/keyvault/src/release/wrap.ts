/**
 * CKM_RSA_AES_KEY_WRAP and its SHA-256 / SHA-384 siblings: RSA-OAEP of a fresh AES-256 key to
 * the workload's transfer key, followed by RFC 5649 of the key material under that AES key.
 * The first part is exactly the transfer key's modulus length, which is how a reader splits them.
 */
import { constants, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { KeyVaultError } from '../errors.js';
import { aesKeyUnwrapPad, aesKeyWrapPad } from './aes-kwp.js';
import { EPHEMERAL_AES_BYTES, OAEP_HASH, type ReleaseEnc } from './enc.js';

function modulusBytes(key: KeyObject): number {
  if (key.asymmetricKeyType !== 'rsa') throw new KeyVaultError('ERR_KEY_RELEASE_NO_TRANSFER_KEY', 'the transfer key is not an RSA key');
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
}

/** The release ciphertext of `material` for the holder of `transferKey` (an RSA public key). */
export function wrapForRelease(enc: ReleaseEnc, transferKey: KeyObject, material: Uint8Array): Uint8Array {
  modulusBytes(transferKey);
  const aes = randomBytes(EPHEMERAL_AES_BYTES);
  try {
    const wrappedAes = publicEncrypt({ key: transferKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[enc] }, aes);
    const wrappedKey = aesKeyWrapPad(aes, material);
    const out = new Uint8Array(wrappedAes.length + wrappedKey.length);
    out.set(wrappedAes, 0);
    out.set(wrappedKey, wrappedAes.length);
    return out;
  } finally {
    aes.fill(0);
  }
}

/**
 * What a workload does with a release ciphertext: the key material, given the transfer key's
 * private half. Throws ERR_KEY_RELEASE_UNWRAP_FAILED for a ciphertext that is not for this key
 * or this enc, or that was altered.
 */
export function unwrapRelease(enc: ReleaseEnc, transferPrivateKey: KeyObject, ciphertext: Uint8Array): Uint8Array {
  const k = modulusBytes(transferPrivateKey);
  if (ciphertext.length < k + 16) throw new KeyVaultError('ERR_KEY_RELEASE_UNWRAP_FAILED', `a ${enc} ciphertext for a ${k * 8}-bit transfer key is longer than ${k + 16} bytes`);
  let aes: Buffer | undefined;
  try {
    aes = privateDecrypt({ key: transferPrivateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[enc] }, ciphertext.subarray(0, k));
    if (aes.length !== EPHEMERAL_AES_BYTES) throw new Error('the wrapped AES key is not 256 bits');
    return aesKeyUnwrapPad(aes, ciphertext.subarray(k));
  } catch (cause) {
    throw new KeyVaultError('ERR_KEY_RELEASE_UNWRAP_FAILED', `the ${enc} ciphertext does not unwrap with this transfer key`, { cause });
  } finally {
    aes?.fill(0);
  }
}
