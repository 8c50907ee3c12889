/**
 * The token encrypted to the guest's vTPM encryption key, in the envelope Azure's guest
 * attestation clients decrypt (client library TpmUnseal.cpp, cvm-attestation-tools): base64url of
 * JSON {"EncryptedInnerKey": base64(RSAES-PKCS1-v1_5(key) under the TPM key, which the client
 * opens with TPM2_RSA_Decrypt and TPMS_SCHEME_RSAES), "EncryptionParams": {"BlockMode":
 * "ChainingModeGCM", "BlockPadding": "PKCS7", "Cipher": "AES", "KeySizeInBits": 256, "Iv":
 * base64(12 bytes)}, "AuthenticationData": base64(16-byte GCM tag), "Jwt": base64(AES-256-GCM
 * ciphertext of the JWT, additional data "Transport Key")}. A fresh key and IV per token.
 */
import { constants, createCipheriv, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { toBase64Url } from '@confide/core';
import type { TpmPublicKey } from '@confide/evidence';

/** The additional authenticated data both clients pass to AES-GCM. */
export const TRANSPORT_KEY_AAD = 'Transport Key';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Encrypts `jwt` to the vTPM's RSA encryption key. */
export function encryptGuestToken(jwt: string, key: TpmPublicKey & { kind: 'rsa' }): string {
  const aesKey = randomBytes(KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
  cipher.setAAD(Buffer.from(TRANSPORT_KEY_AAD, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(jwt, 'utf8'), cipher.final()]);
  const publicKey = createPublicKey({ key: { kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e) }, format: 'jwk' });
  const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, aesKey);
  const envelope = {
    EncryptedInnerKey: wrapped.toString('base64'),
    EncryptionParams: { BlockMode: 'ChainingModeGCM', BlockPadding: 'PKCS7', Cipher: 'AES', KeySizeInBits: KEY_BYTES * 8, Iv: iv.toString('base64') },
    AuthenticationData: cipher.getAuthTag().toString('base64'),
    Jwt: ciphertext.toString('base64'),
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
}
