/**
 * What the coordinator keeps about its recovery shares: how they combine and a commitment to
 * each share, never a share itself. Stored next to the sealed state, so it must be useless to
 * whoever reads the store.
 */
import { concatBytes, digest, toBase64, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';

/** Length of the data key that recovery rebuilds. */
export const DATA_KEY_LENGTH = 32;

/**
 * How the data key was split. `xor`: every recovery key's share is needed (RecoveryThreshold 0
 * or equal to the number of keys; with one key its share is the data key). `shamir`: any
 * `threshold` of them (2 <= threshold < number of keys).
 */
export type RecoveryScheme = 'xor' | 'shamir';

export interface RecoveryData {
  version: 1;
  scheme: RecoveryScheme;
  /** Shares needed to rebuild the data key. */
  threshold: number;
  /** Per recovery key name, base64 SHA-256 commitment to that key's share (see `shareCommitment`). */
  commitments: Record<string, string>;
}

const COMMITMENT_DOMAIN = utf8('confide/recovery-share/v1');

/**
 * SHA-256 over a domain tag, the key name (length-prefixed) and the share: binds a share to the
 * recovery key it was made for, so a valid share uploaded under another name is refused.
 */
export async function shareCommitment(keyName: string, share: Uint8Array): Promise<Uint8Array> {
  const name = utf8(keyName);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, name.length);
  return digest('SHA-256', concatBytes(COMMITMENT_DOMAIN, length, name, share));
}

/** Base64 of `shareCommitment`, the form kept in RecoveryData. */
export async function shareCommitmentBase64(keyName: string, share: Uint8Array): Promise<string> {
  return toBase64(await shareCommitment(keyName, share));
}

/** Length of the share bytes a key holder uploads for `scheme`. */
export function shareLength(scheme: RecoveryScheme): number {
  return scheme === 'shamir' ? DATA_KEY_LENGTH + 1 : DATA_KEY_LENGTH;
}

/** Checks the shape of stored recovery data. Throws ERR_SEAL_UNSEAL_FAILED naming the first problem. */
export function parseRecoveryData(value: unknown): RecoveryData {
  const fail = (why: string): never => {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `stored recovery data is malformed: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return fail(`unknown version ${String(v.version)}`);
  if (v.scheme !== 'xor' && v.scheme !== 'shamir') return fail('unknown scheme');
  if (typeof v.commitments !== 'object' || v.commitments === null || Array.isArray(v.commitments)) return fail('commitments missing');
  const commitments = v.commitments as Record<string, unknown>;
  const names = Object.keys(commitments);
  if (names.length === 0) return fail('no recovery keys');
  for (const name of names) {
    const c = commitments[name];
    if (typeof c !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(c)) return fail(`commitment of ${name} is not a base64 SHA-256 digest`);
  }
  const threshold = v.threshold;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1 || threshold > names.length) return fail('threshold out of range');
  if (v.scheme === 'xor' && threshold !== names.length) return fail('xor scheme needs every share');
  return { version: 1, scheme: v.scheme, threshold, commitments: commitments as Record<string, string> };
}
