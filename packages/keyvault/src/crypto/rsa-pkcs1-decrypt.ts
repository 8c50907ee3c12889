/**
 * RSA1_5 decryption. Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt (the Marvin attack),
 * so the private operation runs without padding and the type-2 block is checked here, reading
 * every byte whatever it finds and failing with one answer for every malformed block.
 */
import { constants, privateDecrypt, type KeyObject } from 'node:crypto';

/** The message, or undefined for any malformed block. */
export function decryptPkcs1v15(key: KeyObject, ciphertext: Uint8Array): Buffer | undefined {
  const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (ciphertext.length !== k) return undefined;
  let em: Buffer;
  try {
    em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    return undefined;
  }
  let bad = (em[0]! ^ 0x00) | (em[1]! ^ 0x02);
  let separator = 0;
  let found = 0;
  for (let i = 2; i < em.length; i++) {
    const isZero = em[i] === 0 ? 1 : 0;
    const first = isZero & (found ^ 1);
    separator = first ? i : separator;
    found |= isZero;
  }
  bad |= found ^ 1;
  // At least 8 bytes of padding (RFC 8017 7.2.2).
  bad |= separator < 10 ? 1 : 0;
  return bad === 0 ? em.subarray(separator + 1) : undefined;
}
