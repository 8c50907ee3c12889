/**
 * RSA signatures over a digest the caller computed (the Key Vault sign operation takes the
 * digest, not the message). node:crypto signs messages only, so the encodings are done here and
 * the RSA private operation runs raw: PKCS#1 v1.5 through privateEncrypt with type-1 padding of
 * DigestInfo, PSS (salt length = hash length, MGF1 with the same hash) as EMSA-PSS (RFC 8017
 * section 9.1) and the private operation without padding. The encodings are apart from the
 * private operation so that it can run on another thread (rsa-private.ts).
 */
import { constants, publicDecrypt, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { DIGEST_INFO_PREFIX, HASH_LENGTH, hash, mgf1, type HashName } from './hashes.js';
import { rsaPrivateEncrypt, type RsaPrivateInput } from './rsa-private.js';

type SigHash = Exclude<HashName, 'sha1'>;

function modulusBits(key: KeyObject): number {
  return key.asymmetricKeyDetails?.modulusLength ?? 0;
}

/** The private operation's input of an RS signature: DigestInfo, padded by the operation (type 1). */
export function pkcs1SignInput(name: SigHash, digest: Uint8Array): RsaPrivateInput {
  return { padding: 'pkcs1', data: Buffer.concat([DIGEST_INFO_PREFIX[name], digest]) };
}

/** The private operation's input of a PS signature under `key`: EMSA-PSS, already the modulus' length. */
export function pssSignInput(key: KeyObject, name: SigHash, digest: Uint8Array): RsaPrivateInput {
  const bits = modulusBits(key);
  const k = Math.ceil(bits / 8);
  const emBits = bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = HASH_LENGTH[name];
  const salt = randomBytes(hLen);
  const h = hash(name, Buffer.alloc(8), digest, salt);
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - 2 * hLen - 2] = 0x01;
  salt.copy(db, emLen - 2 * hLen - 1);
  const mask = mgf1(name, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = db[i]! ^ mask[i]!;
  db[0] = db[0]! & (0xff >> (8 * emLen - emBits));
  return { padding: 'none', data: Buffer.concat([Buffer.alloc(k - emLen), db, h, Buffer.of(0xbc)]) };
}

export function signPkcs1(key: KeyObject, name: SigHash, digest: Uint8Array): Buffer {
  return rsaPrivateEncrypt(key, pkcs1SignInput(name, digest));
}

export function verifyPkcs1(publicKey: KeyObject, name: SigHash, digest: Uint8Array, signature: Uint8Array): boolean {
  const k = Math.ceil(modulusBits(publicKey) / 8);
  if (signature.length !== k) return false;
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  const expected = Buffer.concat([DIGEST_INFO_PREFIX[name], digest]);
  return recovered.length === expected.length && timingSafeEqual(recovered, expected);
}

export function signPss(key: KeyObject, name: SigHash, digest: Uint8Array): Buffer {
  return rsaPrivateEncrypt(key, pssSignInput(key, name, digest));
}

export function verifyPss(publicKey: KeyObject, name: SigHash, digest: Uint8Array, signature: Uint8Array): boolean {
  const bits = modulusBits(publicKey);
  const k = Math.ceil(bits / 8);
  if (signature.length !== k) return false;
  let m: Buffer;
  try {
    m = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  const emBits = bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = HASH_LENGTH[name];
  if (m.length !== k || (k > emLen && m[0] !== 0)) return false;
  const em = m.subarray(k - emLen);
  if (em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - hLen - 1));
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if ((db[0]! & ~(0xff >> (8 * emLen - emBits))) !== 0) return false;
  const mask = mgf1(name, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = db[i]! ^ mask[i]!;
  db[0] = db[0]! & (0xff >> (8 * emLen - emBits));
  const psEnd = emLen - 2 * hLen - 2;
  for (let i = 0; i < psEnd; i++) if (db[i] !== 0) return false;
  if (db[psEnd] !== 0x01) return false;
  const salt = db.subarray(db.length - hLen);
  return timingSafeEqual(hash(name, Buffer.alloc(8), digest, salt), h);
}
