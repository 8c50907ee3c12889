/**
 * The coordinator's sealed state in the store, under one settings key:
 *   { version: 1, provider, wrappedDataKey, recoveryData, recoveryShares, sealedState }
 * The data key encrypts the state; the seal provider's key wraps the data key; the recovery keys
 * hold shares of the data key. Opening unwraps with the provider, or reports that recovery is
 * needed together with what a recovery session needs. Every write puts the whole record, so a
 * write always leaves a record that opens with the key held in memory.
 */
import { ConfideError, fromBase64, isConfideError, toBase64 } from '@confide/core';
import type { Repositories } from '@confide/store';
import { createRecoveryShares } from '../recovery/create-shares.js';
import { DATA_KEY_LENGTH, parseRecoveryData, type RecoveryData } from '../recovery/recovery-data.js';
import type { SealProvider } from './provider.js';
import { sealState, STATE_PURPOSE, unsealState } from './seal-state.js';

/** Settings key of the sealed-state record. */
export const SEALED_STATE_KEY = 'coordinator/sealed-state';

/** Why the data key could not be unwrapped. */
export type RecoveryReason = 'seal-key-unavailable' | 'seal-key-mismatch' | 'wrapped-key-invalid';

export type SealedOpenResult =
  | { status: 'empty' }
  | { status: 'open'; state: Uint8Array }
  /** `recovery` is absent when the manifest had no RecoveryKeys: the state cannot come back. */
  | { status: 'needsRecovery'; reason: RecoveryReason; recovery: RecoveryData | undefined };

/** Manifest RecoveryKeys (name -> PEM RSA public key) and RecoveryThreshold (0 = all). */
export interface RecoveryConfig {
  keys: Record<string, string>;
  threshold: number;
}

interface SealedRecord {
  version: 1;
  provider: string;
  wrappedDataKey: string;
  recoveryData: RecoveryData | null;
  recoveryShares: Record<string, string> | null;
  sealedState: string;
}

function malformed(why: string): ConfideError {
  return new ConfideError('ERR_SEAL_UNSEAL_FAILED', `the sealed-state record is malformed: ${why}`);
}

function parseRecord(value: unknown): SealedRecord {
  if (typeof value !== 'object' || value === null) throw malformed('not an object');
  const v = value as Record<string, unknown>;
  if (v.version !== 1) throw malformed(`unknown version ${String(v.version)}`);
  for (const field of ['provider', 'wrappedDataKey', 'sealedState'] as const) {
    if (typeof v[field] !== 'string') throw malformed(`${field} is not a string`);
  }
  const recoveryData = v.recoveryData === null || v.recoveryData === undefined ? null : parseRecoveryData(v.recoveryData);
  const shares = v.recoveryShares;
  if (shares !== null && shares !== undefined && (typeof shares !== 'object' || Array.isArray(shares))) throw malformed('recoveryShares is not an object');
  return {
    version: 1,
    provider: v.provider as string,
    wrappedDataKey: v.wrappedDataKey as string,
    recoveryData,
    recoveryShares: (shares ?? null) as Record<string, string> | null,
    sealedState: v.sealedState as string,
  };
}

function reasonOf(err: ConfideError): RecoveryReason {
  if (err.code === 'ERR_SEAL_KEY_UNAVAILABLE') return 'seal-key-unavailable';
  return err.details?.reason === 'key-mismatch' ? 'seal-key-mismatch' : 'wrapped-key-invalid';
}

function decode(text: string, field: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    throw malformed(`${field} is not base64`);
  }
}

/** Holds the data key once the state is open; all reads and writes go through the given repositories (a tx or the store). */
export class SealedStore {
  readonly #provider: SealProvider;
  readonly #key: string;
  #dataKey: Uint8Array | undefined;
  #header: Omit<SealedRecord, 'sealedState'> | undefined;

  constructor(provider: SealProvider, options: { key?: string } = {}) {
    this.#provider = provider;
    this.#key = options.key ?? SEALED_STATE_KEY;
  }

  /** True once the data key is held (after open, initialize or completeRecovery). */
  get isOpen(): boolean {
    return this.#dataKey !== undefined;
  }

  /** The encrypted recovery shares (name -> base64), for holders who download theirs again. */
  get recoveryShares(): Record<string, string> | undefined {
    return this.#header?.recoveryShares ?? undefined;
  }

  /**
   * Reads and opens the record. Throws ERR_SEAL_UNSEAL_FAILED when the record is malformed or the
   * state does not open under the unwrapped data key (altered bytes: recovery cannot help).
   */
  async open(repos: Repositories): Promise<SealedOpenResult> {
    const value = await repos.settings.get(this.#key);
    if (value === undefined) return { status: 'empty' };
    const record = parseRecord(value);
    const wrapped = decode(record.wrappedDataKey, 'wrappedDataKey');
    const sealed = decode(record.sealedState, 'sealedState');
    let dataKey: Uint8Array;
    try {
      dataKey = await this.#provider.unwrapKey(wrapped);
    } catch (err) {
      if (!isConfideError(err, 'ERR_SEAL_KEY_UNAVAILABLE') && !isConfideError(err, 'ERR_SEAL_UNSEAL_FAILED')) throw err;
      return { status: 'needsRecovery', reason: reasonOf(err), recovery: record.recoveryData ?? undefined };
    }
    const state = await unsealState(sealed, dataKey, STATE_PURPOSE);
    this.#hold(dataKey, record);
    return { status: 'open', state };
  }

  /**
   * Starts a new sealed state (first manifest, or a state that replaces an unrecoverable one):
   * a fresh data key, wrapped by the provider and split to the recovery keys. Returns the
   * encrypted shares for the key holders. Throws ERR_RECOVERY_KEYS_INVALID, and what the provider throws.
   */
  async initialize(repos: Repositories, state: Uint8Array, recovery?: RecoveryConfig): Promise<{ recoveryShares: Record<string, string> }> {
    const dataKey = crypto.getRandomValues(new Uint8Array(DATA_KEY_LENGTH));
    const split = recovery === undefined || Object.keys(recovery.keys).length === 0 ? undefined : await createRecoveryShares(dataKey, recovery.keys, recovery.threshold);
    const wrapped = await this.#provider.wrapKey(dataKey);
    this.#hold(dataKey, {
      version: 1,
      provider: this.#provider.id,
      wrappedDataKey: toBase64(wrapped),
      recoveryData: split?.data ?? null,
      recoveryShares: split?.encryptedShares ?? null,
    });
    await this.save(repos, state);
    return { recoveryShares: split?.encryptedShares ?? {} };
  }

  /** Seals `state` under the held data key and writes the record. Throws ERR_INTERNAL when not open. */
  async save(repos: Repositories, state: Uint8Array): Promise<void> {
    const { dataKey, header } = this.#held();
    const record: SealedRecord = { ...header, sealedState: toBase64(await sealState(state, dataKey, STATE_PURPOSE)) };
    await repos.settings.put(this.#key, record);
  }

  /**
   * Splits the held data key to new recovery keys (a manifest update changed RecoveryKeys) and
   * writes the record with `state`. Returns the new encrypted shares. Throws ERR_RECOVERY_KEYS_INVALID, ERR_INTERNAL (not open).
   */
  async setRecoveryKeys(repos: Repositories, state: Uint8Array, recovery: RecoveryConfig | undefined): Promise<{ recoveryShares: Record<string, string> }> {
    const { dataKey, header } = this.#held();
    const split = recovery === undefined || Object.keys(recovery.keys).length === 0 ? undefined : await createRecoveryShares(dataKey, recovery.keys, recovery.threshold);
    this.#header = { ...header, recoveryData: split?.data ?? null, recoveryShares: split?.encryptedShares ?? null };
    await this.save(repos, state);
    return { recoveryShares: split?.encryptedShares ?? {} };
  }

  /**
   * Ends recovery with the data key a RecoverySession rebuilt: checks that it opens the stored
   * state, wraps it with the provider (which makes a new seal key if it lost its own) and writes
   * the record. The data key and recovery shares stay the same. Returns the state.
   * Throws ERR_SEAL_UNSEAL_FAILED (no record, or the key does not open the state), and what the provider throws.
   */
  async completeRecovery(repos: Repositories, dataKey: Uint8Array): Promise<Uint8Array> {
    const value = await repos.settings.get(this.#key);
    if (value === undefined) throw new ConfideError('ERR_SEAL_UNSEAL_FAILED', 'there is no sealed state to recover');
    const record = parseRecord(value);
    const state = await unsealState(decode(record.sealedState, 'sealedState'), dataKey, STATE_PURPOSE);
    const wrapped = await this.#provider.wrapKey(dataKey);
    const updated: SealedRecord = { ...record, provider: this.#provider.id, wrappedDataKey: toBase64(wrapped) };
    await repos.settings.put(this.#key, updated);
    this.#hold(dataKey, updated);
    return state;
  }

  /** Seals a separate value under the held data key for `purpose` (not "state"). Throws ERR_INTERNAL (not open). */
  async seal(value: Uint8Array, purpose: string): Promise<Uint8Array> {
    return sealState(value, this.#held().dataKey, `value:${purpose}`);
  }

  /** Opens a blob from `seal` with the same purpose. Throws ERR_SEAL_UNSEAL_FAILED, ERR_INTERNAL (not open). */
  async unseal(blob: Uint8Array, purpose: string): Promise<Uint8Array> {
    return unsealState(blob, this.#held().dataKey, `value:${purpose}`);
  }

  #hold(dataKey: Uint8Array, record: Omit<SealedRecord, 'sealedState'>): void {
    this.#dataKey = dataKey.slice();
    this.#header = {
      version: 1,
      provider: record.provider,
      wrappedDataKey: record.wrappedDataKey,
      recoveryData: record.recoveryData,
      recoveryShares: record.recoveryShares,
    };
  }

  #held(): { dataKey: Uint8Array; header: Omit<SealedRecord, 'sealedState'> } {
    if (this.#dataKey === undefined || this.#header === undefined) {
      throw new ConfideError('ERR_INTERNAL', 'the sealed state is not open');
    }
    return { dataKey: this.#dataKey, header: this.#header };
  }
}
