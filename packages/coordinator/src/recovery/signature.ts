/**
 * `recoverySecretSignature` as MarbleRun checks it (coordinator/clientapi/recovery.go
 * validateRecoveryKeys, util.VerifyPKCS1v15): RSA PKCS#1 v1.5 over SHA-256 of the decrypted
 * share, by the private half of the manifest's recovery key. MarbleRun accepts a signature by any
 * unused recovery key; Confide knows which key each share was made for (its commitment), so the
 * signature must be by that key.
 */
import { createSign, createVerify } from 'node:crypto';
import { CoordinatorError } from '../errors.js';
import { parseRecoveryKey } from './create-shares.js';

/** A decrypted share and the signature that came with it. */
export interface SignedShare {
  share: Uint8Array;
  signature: Uint8Array;
}

/**
 * What `confide recover` and MarbleRun's CLI (util.SignPKCS1v15) send: the signature over the
 * decrypted share (node's RSA signing without a padding option is PKCS#1 v1.5, as Go's).
 */
export function signRecoveryShare(share: Uint8Array, privateKeyPem: string): Uint8Array {
  return new Uint8Array(createSign('sha256').update(share).sign(privateKeyPem));
}

/**
 * Checks every accepted share's signature under the manifest's recovery key of the same name.
 * Throws ERR_RECOVERY_SIGNATURE_INVALID naming the keys whose signature does not verify.
 */
export function verifyRecoverySignatures(recoveryKeys: Record<string, string>, shares: ReadonlyMap<string, SignedShare>): void {
  const failed: string[] = [];
  for (const [name, { share, signature }] of shares) {
    const pem = Object.hasOwn(recoveryKeys, name) ? recoveryKeys[name] : undefined;
    const ok = pem !== undefined && createVerify('sha256').update(share).verify(parseRecoveryKey(name, pem), signature);
    if (!ok) failed.push(name);
  }
  if (failed.length > 0) {
    throw new CoordinatorError('ERR_RECOVERY_SIGNATURE_INVALID', `the recoverySecretSignature of ${failed.sort().join(', ')} does not verify under the manifest's recovery key; every holder uploads again`, {
      details: { keys: failed, reason: 'signature' },
    });
  }
}
