/**
 * The cryptographic operations of the keys API on a loaded key: sign and verify over a digest,
 * encrypt and decrypt, wrap and unwrap. Inputs come from callers: every unsupported algorithm,
 * wrong key family, wrong length or undecryptable ciphertext is ERR_KEY_BAD_PARAMETER.
 */
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { KeyVaultError } from '../errors.js';
import { AES_ENCRYPTION, AES_KEY_WRAP, RSA_ENCRYPTION, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './algorithms.js';
import { signEcdsa, verifyEcdsa } from './ecdsa.js';
import { HASH_LENGTH } from './hashes.js';
import type { LoadedKey } from './loaded-key.js';
import { decryptPkcs1v15 } from './rsa-pkcs1-decrypt.js';
import type { RsaPrivateOperation } from './rsa-private.js';
import { pkcs1SignInput, pssSignInput, signPkcs1, signPss, verifyPkcs1, verifyPss } from './rsa-signature.js';

function bad(message: string): KeyVaultError {
  return new KeyVaultError('ERR_KEY_BAD_PARAMETER', message);
}

function signatureSpec(key: LoadedKey, alg: string, digest: Uint8Array) {
  const spec = Object.hasOwn(SIGNATURE_ALGORITHMS, alg) ? SIGNATURE_ALGORITHMS[alg as SignatureAlgorithm] : undefined;
  if (!spec) throw bad(`unsupported signature algorithm ${alg}`);
  if (spec.family !== key.family) throw bad(`${alg} needs an ${spec.family} key, this key is ${key.family}`);
  if (spec.curve && spec.curve !== key.curve) throw bad(`${alg} needs a ${spec.curve} key, this key is on ${key.curve}`);
  if (digest.length !== HASH_LENGTH[spec.hash]) throw bad(`${alg} signs a ${HASH_LENGTH[spec.hash]}-byte digest, not ${digest.length} bytes`);
  return spec;
}

/** A signature over `digest`. */
export function sign(key: LoadedKey, alg: string, digest: Uint8Array): Uint8Array {
  const spec = signatureSpec(key, alg, digest);
  if (spec.scheme === 'pkcs1') return signPkcs1(key.key, spec.hash, digest);
  if (spec.scheme === 'pss') return signPss(key.key, spec.hash, digest);
  return signEcdsa(key.curve!, key.d!, digest);
}

/**
 * A signature over `digest` whose RSA private operation runs through `rsaPrivate` (on another
 * thread, say); the checks and encodings run here first, so bad input throws as for `sign`.
 */
export async function signWith(key: LoadedKey, alg: string, digest: Uint8Array, rsaPrivate: RsaPrivateOperation): Promise<Uint8Array> {
  const spec = signatureSpec(key, alg, digest);
  if (spec.scheme === 'pkcs1') return rsaPrivate(key.key, pkcs1SignInput(spec.hash, digest));
  if (spec.scheme === 'pss') return rsaPrivate(key.key, pssSignInput(key.key, spec.hash, digest));
  return signEcdsa(key.curve!, key.d!, digest);
}

/** Whether `signature` is one of this key over `digest`. */
export function verify(key: LoadedKey, alg: string, digest: Uint8Array, signature: Uint8Array): boolean {
  const spec = signatureSpec(key, alg, digest);
  if (spec.scheme === 'pkcs1') return verifyPkcs1(key.publicKey!, spec.hash, digest, signature);
  if (spec.scheme === 'pss') return verifyPss(key.publicKey!, spec.hash, digest, signature);
  const jwk = key.jwk as { x: string; y: string };
  return verifyEcdsa(key.curve!, Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url'), digest, signature);
}

export interface EncryptInput {
  alg: string;
  value: Uint8Array;
  iv?: Uint8Array | undefined;
  aad?: Uint8Array | undefined;
  tag?: Uint8Array | undefined;
}

export interface EncryptOutput {
  value: Uint8Array;
  iv?: Uint8Array;
  tag?: Uint8Array;
  aad?: Uint8Array;
}

function rsaSpec(key: LoadedKey, alg: string) {
  const spec = Object.hasOwn(RSA_ENCRYPTION, alg) ? RSA_ENCRYPTION[alg] : undefined;
  if (!spec) return undefined;
  if (key.family !== 'RSA') throw bad(`${alg} needs an RSA key, this key is ${key.family}`);
  return spec;
}

function aesKey(key: LoadedKey, alg: string, bytes: number): Buffer {
  if (key.family !== 'oct') throw bad(`${alg} needs an oct key, this key is ${key.family}`);
  if (key.secret!.length !== bytes) throw bad(`${alg} needs a ${bytes * 8}-bit key, this key has ${key.secret!.length * 8} bits`);
  return key.secret!;
}

function rsaEncrypt(key: LoadedKey, spec: { padding: 'oaep' | 'pkcs1'; hash?: string }, value: Uint8Array): Uint8Array {
  try {
    if (spec.padding === 'pkcs1') return publicEncrypt({ key: key.publicKey!, padding: constants.RSA_PKCS1_PADDING }, value);
    return publicEncrypt({ key: key.publicKey!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: spec.hash! }, value);
  } catch {
    throw bad('the plaintext is too long for this key and padding');
  }
}

function rsaDecrypt(key: LoadedKey, spec: { padding: 'oaep' | 'pkcs1'; hash?: string }, value: Uint8Array): Uint8Array {
  if (spec.padding === 'pkcs1') {
    const out = decryptPkcs1v15(key.key, value);
    if (!out) throw bad('decryption failed');
    return out;
  }
  try {
    return privateDecrypt({ key: key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: spec.hash! }, value);
  } catch {
    throw bad('decryption failed');
  }
}

export function encrypt(key: LoadedKey, input: EncryptInput): EncryptOutput {
  const rsa = rsaSpec(key, input.alg);
  if (rsa) return { value: rsaEncrypt(key, rsa, input.value) };
  const aes = Object.hasOwn(AES_ENCRYPTION, input.alg) ? AES_ENCRYPTION[input.alg] : undefined;
  if (!aes) throw bad(`unsupported encryption algorithm ${input.alg}`);
  const secret = aesKey(key, input.alg, aes.bytes);
  const bits = aes.bytes * 8;
  if (aes.mode === 'gcm') {
    // The service chooses the GCM nonce: a caller-chosen one could repeat.
    const iv = randomBytes(12);
    const cipher = createCipheriv(`aes-${bits}-gcm` as `aes-256-gcm`, secret, iv);
    if (input.aad) cipher.setAAD(input.aad);
    const value = Buffer.concat([cipher.update(input.value), cipher.final()]);
    return { value, iv, tag: cipher.getAuthTag(), ...(input.aad ? { aad: input.aad } : {}) };
  }
  // The client sends an IV when it made one; otherwise the service makes it, as for GCM.
  const iv = input.iv ?? randomBytes(16);
  if (iv.length !== 16) throw bad(`${input.alg} needs a 16-byte iv`);
  if (aes.mode === 'cbc' && input.value.length % 16 !== 0) throw bad(`${input.alg} encrypts whole 16-byte blocks; use ${input.alg}PAD for other lengths`);
  const cipher = createCipheriv(`aes-${bits}-cbc`, secret, iv);
  cipher.setAutoPadding(aes.mode === 'cbcpad');
  return { value: Buffer.concat([cipher.update(input.value), cipher.final()]), iv };
}

export function decrypt(key: LoadedKey, input: EncryptInput): Uint8Array {
  const rsa = rsaSpec(key, input.alg);
  if (rsa) return rsaDecrypt(key, rsa, input.value);
  const aes = Object.hasOwn(AES_ENCRYPTION, input.alg) ? AES_ENCRYPTION[input.alg] : undefined;
  if (!aes) throw bad(`unsupported encryption algorithm ${input.alg}`);
  const secret = aesKey(key, input.alg, aes.bytes);
  const bits = aes.bytes * 8;
  try {
    if (aes.mode === 'gcm') {
      if (input.iv?.length !== 12 || input.tag?.length !== 16) throw bad(`${input.alg} decryption needs the 12-byte iv and the 16-byte tag`);
      const decipher = createDecipheriv(`aes-${bits}-gcm` as `aes-256-gcm`, secret, input.iv);
      if (input.aad) decipher.setAAD(input.aad);
      decipher.setAuthTag(input.tag);
      return Buffer.concat([decipher.update(input.value), decipher.final()]);
    }
    if (input.iv?.length !== 16) throw bad(`${input.alg} needs a 16-byte iv`);
    const decipher = createDecipheriv(`aes-${bits}-cbc`, secret, input.iv);
    decipher.setAutoPadding(aes.mode === 'cbcpad');
    return Buffer.concat([decipher.update(input.value), decipher.final()]);
  } catch (err) {
    if (err instanceof KeyVaultError) throw err;
    throw bad('decryption failed');
  }
}

const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

export function wrapKey(key: LoadedKey, alg: string, value: Uint8Array): Uint8Array {
  const rsa = rsaSpec(key, alg);
  if (rsa) return rsaEncrypt(key, rsa, value);
  if (!Object.hasOwn(AES_KEY_WRAP, alg)) throw bad(`unsupported key wrap algorithm ${alg}`);
  const secret = aesKey(key, alg, AES_KEY_WRAP[alg]!);
  if (value.length < 16 || value.length % 8 !== 0) throw bad(`${alg} wraps keys of 16 bytes or more, in whole 8-byte blocks`);
  const cipher = createCipheriv(`id-aes${secret.length * 8}-wrap`, secret, KW_IV);
  return Buffer.concat([cipher.update(value), cipher.final()]);
}

export function unwrapKey(key: LoadedKey, alg: string, value: Uint8Array): Uint8Array {
  const rsa = rsaSpec(key, alg);
  if (rsa) return rsaDecrypt(key, rsa, value);
  if (!Object.hasOwn(AES_KEY_WRAP, alg)) throw bad(`unsupported key wrap algorithm ${alg}`);
  const secret = aesKey(key, alg, AES_KEY_WRAP[alg]!);
  try {
    const decipher = createDecipheriv(`id-aes${secret.length * 8}-wrap`, secret, KW_IV);
    return Buffer.concat([decipher.update(value), decipher.final()]);
  } catch {
    throw bad('unwrap failed');
  }
}
