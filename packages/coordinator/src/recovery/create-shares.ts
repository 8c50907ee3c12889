/**
 * Splitting the data key to the manifest's RecoveryKeys. Each holder gets their share encrypted
 * with RSA-OAEP (SHA-256) to their public key, decrypts it offline with their private key, and
 * uploads the plain share when the coordinator is in recovery mode.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { fromBase64, toBase64, type ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { DATA_KEY_LENGTH, shareCommitmentBase64, type RecoveryData, type RecoveryScheme } from './recovery-data.js';
import { encodeShamirShare, SHAMIR_MAX_SHARES, shamirSplit, xorSplit } from './shamir.js';

/** Smallest RSA modulus accepted for a recovery key. */
const MIN_RECOVERY_KEY_BITS = 2048;

export interface RecoveryShares {
  /** Per key name, base64 RSA-OAEP(SHA-256) ciphertext of that key's share: what the holder downloads. */
  encryptedShares: Record<string, string>;
  /** Commitments and scheme, kept by the coordinator next to the sealed state. */
  data: RecoveryData;
}

function keysInvalid(message: string, details?: Record<string, unknown>): ConfideError {
  return new CoordinatorError('ERR_RECOVERY_KEYS_INVALID', message, details === undefined ? undefined : { details });
}

/** Parses a PEM RSA public key (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY"). Throws ERR_RECOVERY_KEYS_INVALID. */
export function parseRecoveryKey(keyName: string, pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw keysInvalid(`recovery key ${keyName} is not a PEM public key`, { keyName });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw keysInvalid(`recovery key ${keyName} is not an RSA key (${key.asymmetricKeyType})`, { keyName });
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RECOVERY_KEY_BITS) {
    throw keysInvalid(`recovery key ${keyName} has ${bits} bits, at least ${MIN_RECOVERY_KEY_BITS} are needed`, { keyName, bits });
  }
  return key;
}

/** RecoveryThreshold as in MarbleRun: 0 or the key count means all keys; otherwise 2..count-1 of them. */
function schemeFor(count: number, threshold: number): { scheme: RecoveryScheme; needed: number } {
  if (count === 0) throw keysInvalid('no recovery keys');
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > count) {
    throw keysInvalid(`RecoveryThreshold must be 0..${count}, got ${threshold}`, { threshold });
  }
  if (threshold === 0 || threshold === count) return { scheme: 'xor', needed: count };
  if (threshold === 1) throw keysInvalid('RecoveryThreshold 1 would let any single key holder recover; use 0 (all) or 2 or more', { threshold });
  if (count > SHAMIR_MAX_SHARES) throw keysInvalid(`at most ${SHAMIR_MAX_SHARES} recovery keys with a threshold`, { count });
  return { scheme: 'shamir', needed: threshold };
}

/**
 * Splits the 32-byte `dataKey` to `recoveryKeys` (name -> PEM RSA public key) so that `threshold`
 * holders can rebuild it (0 = all). Throws ERR_RECOVERY_KEYS_INVALID.
 */
export async function createRecoveryShares(dataKey: Uint8Array, recoveryKeys: Record<string, string>, threshold: number): Promise<RecoveryShares> {
  if (dataKey.length !== DATA_KEY_LENGTH) throw keysInvalid(`the data key must be ${DATA_KEY_LENGTH} bytes`);
  // Sorted, so the x coordinate of each key's share does not depend on JSON key order.
  const names = Object.keys(recoveryKeys).sort();
  const { scheme, needed } = schemeFor(names.length, threshold);
  const keys = names.map((name) => parseRecoveryKey(name, recoveryKeys[name]!));
  const shares = scheme === 'xor' ? xorSplit(dataKey, names.length) : shamirSplit(dataKey, names.length, needed).map(encodeShamirShare);

  const encryptedShares: Record<string, string> = {};
  const commitments: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    const share = shares[i]!;
    encryptedShares[name] = toBase64(publicEncrypt({ key: keys[i]!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, share));
    commitments[name] = await shareCommitmentBase64(name, share);
    share.fill(0);
  }
  return { encryptedShares, data: { version: 1, scheme, threshold: needed, commitments } };
}

/**
 * What a key holder does offline (the CLI and tests use it): decrypts their base64 share with the
 * PEM private key. Same as `openssl pkeyutl -decrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256`.
 * Throws ERR_RECOVERY_SHARE_INVALID when the ciphertext does not open under the key.
 */
export function decryptRecoveryShare(encryptedShare: string, privateKeyPem: string): Uint8Array {
  try {
    const key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
    return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, fromBase64(encryptedShare)));
  } catch (err) {
    throw new CoordinatorError('ERR_RECOVERY_SHARE_INVALID', 'the encrypted recovery share does not open under this private key', { cause: err, details: { reason: 'decrypt' } });
  }
}
