/**
 * Collecting decrypted recovery shares while the coordinator is in recovery mode. Each share is
 * checked against the commitment stored for its key name before it counts, so a wrong or
 * foreign share is refused at upload instead of producing a wrong data key later.
 */
import { fromBase64, timingSafeEqual, type ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { DATA_KEY_LENGTH, shareCommitment, shareLength, type RecoveryData } from './recovery-data.js';
import { decodeShamirShare, shamirCombine, xorCombine } from './shamir.js';

export interface RecoveryProgress {
  /** Shares still needed; 0 once the data key is rebuilt. */
  remaining: number;
  /** The rebuilt data key, present once enough shares arrived. */
  dataKey?: Uint8Array;
}

function invalid(keyName: string, reason: string): ConfideError {
  return new CoordinatorError('ERR_RECOVERY_SHARE_INVALID', `recovery share for ${keyName} rejected: ${reason}`, { details: { keyName, reason } });
}

/** One recovery attempt over stored RecoveryData; keeps accepted shares in memory only. */
export class RecoverySession {
  readonly #data: RecoveryData;
  readonly #accepted = new Map<string, Uint8Array>();
  #dataKey: Uint8Array | undefined;

  constructor(data: RecoveryData) {
    this.#data = data;
  }

  /** Shares needed in all. */
  get threshold(): number {
    return this.#data.threshold;
  }

  /** Shares still needed. */
  get remaining(): number {
    return Math.max(0, this.#data.threshold - this.#accepted.size);
  }

  /** Recovery key names whose share was accepted, sorted. */
  get acceptedKeys(): string[] {
    return [...this.#accepted.keys()].sort();
  }

  /** Recovery key names, sorted. */
  get keyNames(): string[] {
    return Object.keys(this.#data.commitments).sort();
  }

  /**
   * Accepts the decrypted share of recovery key `keyName`; returns the remaining count, and the
   * data key once enough shares arrived. Throws ERR_RECOVERY_SHARE_INVALID (unknown key name,
   * wrong length, share not the one made for this key), ERR_RECOVERY_SHARE_DUPLICATE (this key's
   * share was already accepted).
   */
  async submit(keyName: string, share: Uint8Array): Promise<RecoveryProgress> {
    const stored = Object.hasOwn(this.#data.commitments, keyName) ? this.#data.commitments[keyName] : undefined;
    if (stored === undefined) throw invalid(keyName, 'unknown-key');
    if (share.length !== shareLength(this.#data.scheme)) throw invalid(keyName, 'length');
    const commitment = await shareCommitment(keyName, share);
    // Checked after the await, with no await until the share is recorded: concurrent uploads of one key count once.
    if (!timingSafeEqual(commitment, fromBase64(stored))) throw invalid(keyName, 'mismatch');
    if (this.#accepted.has(keyName)) {
      throw new CoordinatorError('ERR_RECOVERY_SHARE_DUPLICATE', `the recovery share for ${keyName} was already accepted`, {
        details: { keyName, remaining: this.remaining },
      });
    }
    this.#accepted.set(keyName, share.slice());
    if (this.#dataKey === undefined && this.#accepted.size >= this.#data.threshold) this.#dataKey = this.#combine();
    return this.#dataKey === undefined ? { remaining: this.remaining } : { remaining: 0, dataKey: this.#dataKey.slice() };
  }

  /**
   * Accepts a share without a key name, as MarbleRun's recover API sends it: the key is the one
   * whose commitment the share matches. Throws ERR_RECOVERY_SHARE_INVALID (matches no key, or
   * wrong length), ERR_RECOVERY_SHARE_DUPLICATE.
   */
  async submitUnnamed(share: Uint8Array): Promise<RecoveryProgress & { keyName: string }> {
    if (share.length !== shareLength(this.#data.scheme)) throw invalid('(unnamed)', 'length');
    const names = this.keyNames;
    const commitments = await Promise.all(names.map((name) => shareCommitment(name, share)));
    // Every name is compared, so the time taken does not tell which one matched.
    let keyName: string | undefined;
    for (const [i, name] of names.entries()) {
      if (timingSafeEqual(commitments[i]!, fromBase64(this.#data.commitments[name]!))) keyName = name;
    }
    if (keyName === undefined) throw invalid('(unnamed)', 'mismatch');
    return { keyName, ...(await this.submit(keyName, share)) };
  }

  #combine(): Uint8Array {
    const shares = [...this.#accepted.values()];
    const key =
      this.#data.scheme === 'xor' ? xorCombine(shares) : shamirCombine(shares.map((s) => decodeShamirShare(s, DATA_KEY_LENGTH)));
    for (const s of shares) s.fill(0);
    return key;
  }
}
