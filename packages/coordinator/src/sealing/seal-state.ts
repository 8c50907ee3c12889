/**
 * The coordinator's state at rest: AES-256-GCM under the data key.
 * Layout (version 1): [0] format version, [1..13) nonce, then ciphertext and 16-byte tag.
 * Additional data: the version byte and "confide/coordinator/sealed-state:<purpose>", so a blob
 * sealed for one purpose (the state, one secret, ...) cannot be passed off as another.
 */
import { CoordinatorError } from '../errors.js';
import { gcmOpen, gcmSeal } from './aead.js';

const STATE_FORMAT_V1 = 1;
const HEADER_LENGTH = 1;

/** Purpose of the coordinator's main state blob. */
export const STATE_PURPOSE = 'state';

function context(purpose: string): string {
  return `confide/coordinator/sealed-state:${purpose}`;
}

/** Encrypts `state` under the 32-byte `dataKey` for `purpose`. Throws ERR_SEAL_UNSEAL_FAILED for a key of another length. */
export async function sealState(state: Uint8Array, dataKey: Uint8Array, purpose: string = STATE_PURPOSE): Promise<Uint8Array> {
  return gcmSeal(dataKey, state, Uint8Array.of(STATE_FORMAT_V1), context(purpose));
}

/** Decrypts a blob from `sealState` with the same key and purpose. Throws ERR_SEAL_UNSEAL_FAILED. */
export async function unsealState(blob: Uint8Array, dataKey: Uint8Array, purpose: string = STATE_PURPOSE): Promise<Uint8Array> {
  if (blob.length > 0 && blob[0] !== STATE_FORMAT_V1) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `cannot unseal: unknown sealed-state format version ${blob[0]}`);
  }
  return gcmOpen(dataKey, blob, HEADER_LENGTH, context(purpose));
}
