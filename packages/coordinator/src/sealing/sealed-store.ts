/**
 * The coordinator's sealed state in the store's sealed-state repository: the provider kind, the
 * wrapped data key, the recovery data and shares, and the state sealed under the data key. The
 * data key encrypts the state; the seal provider's key wraps the data key; the recovery keys
 * hold shares of the data key. Opening unwraps with the provider, or reports that recovery is
 * needed together with what a recovery session needs. Every write puts the whole record and
 * names the version it replaces, so a write always leaves a record that opens with the key
 * held in memory, and never one that overwrites another writer's unseen change.
 */
import { isConfideError, type ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Repositories, SealedStateRecord, VersionedSealedState } from '@confide/store';
import { createRecoveryShares } from '../recovery/create-shares.js';
import { DATA_KEY_LENGTH, parseRecoveryData, type RecoveryData } from '../recovery/recovery-data.js';
import type { SealMode } from '../manifest/types.js';
import type { SealProvider } from './provider.js';
import { MEMORY_ONLY_PROVIDER } from './seal-mode.js';
import { sealState, STATE_PURPOSE, unsealState } from './seal-state.js';

/** Why the data key could not be unwrapped. */
export type RecoveryReason = 'seal-key-unavailable' | 'seal-key-mismatch' | 'wrapped-key-invalid';

export type SealedOpenResult =
  | { status: 'empty' }
  /** `version` is the stored record's: the next write names it. */
  | { status: 'open'; state: Uint8Array; version: number }
  /** `recovery` is absent when the manifest had no RecoveryKeys: the state cannot come back. */
  | { status: 'needsRecovery'; reason: RecoveryReason; recovery: RecoveryData | undefined; version: number }
  /** The state was held in memory only (SealMode Disabled) by a process that is gone: as if there were none. */
  | { status: 'discarded'; version: number };

/** The seal providers a coordinator can wrap its data key with, one per SealMode. */
export interface SealProviders {
  /** The provider that wraps the data key of a state whose manifest has `mode`. Throws ERR_SEAL_MODE_UNAVAILABLE. */
  forMode(mode: SealMode): SealProvider;
  /** The provider that wrote a record, by the id kept with it; undefined where this process has none by that id. */
  byId(id: string): SealProvider | undefined;
}

/** Manifest RecoveryKeys (name -> PEM RSA public key) and RecoveryThreshold (0 = all). */
export interface RecoveryConfig {
  keys: Record<string, string>;
  threshold: number;
}

/** The record without the sealed state: what the held data key goes with. */
type Header = Omit<SealedStateRecord, 'sealedState'> & { recoveryData: RecoveryData | null };

function malformed(why: string): ConfideError {
  return new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `the sealed-state record is malformed: ${why}`);
}

function headerOf(record: VersionedSealedState): Header {
  const recoveryData = record.recoveryData === null ? null : parseRecoveryData(record.recoveryData);
  const shares = record.recoveryShares;
  if (shares !== null && (typeof shares !== 'object' || Array.isArray(shares))) throw malformed('recoveryShares is not an object');
  return { provider: record.provider, wrappedDataKey: record.wrappedDataKey, recoveryData, recoveryShares: shares };
}

function reasonOf(err: ConfideError): RecoveryReason {
  if (err.code === 'ERR_SEAL_KEY_UNAVAILABLE') return 'seal-key-unavailable';
  return err.details?.reason === 'key-mismatch' ? 'seal-key-mismatch' : 'wrapped-key-invalid';
}

/**
 * Holds the data key once the state is open; all reads and writes go through the given
 * repositories (a tx or the store). Writes take the version they replace and return the new
 * one; the caller keeps it with the state it wrote, once its transaction committed.
 */
export class SealedStore {
  readonly #providers: SealProviders;
  #dataKey: Uint8Array | undefined;
  #header: Header | undefined;

  constructor(providers: SealProviders) {
    this.#providers = providers;
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
   * Reads and opens the record: with the data key already held when it still opens the state
   * (another writer re-wrapped the same key, as a replica's recovery does), else with the key the
   * provider that wrote it unwraps. A record whose key lived in a process's memory only
   * (SealMode Disabled) and is not held here is `discarded`. Throws ERR_SEAL_UNSEAL_FAILED when
   * the record is malformed or the state does not open under the unwrapped data key (altered
   * bytes: recovery cannot help).
   */
  async open(repos: Repositories): Promise<SealedOpenResult> {
    const record = await repos.sealedState.get();
    if (record === undefined) return { status: 'empty' };
    const header = headerOf(record);
    const held = this.#dataKey;
    if (held !== undefined) {
      try {
        const state = await unsealState(record.sealedState, held, STATE_PURPOSE);
        this.#hold(held, header);
        return { status: 'open', state, version: record.version };
      } catch (err) {
        if (!isConfideError(err, 'ERR_SEAL_UNSEAL_FAILED')) throw err;
      }
    }
    if (header.provider === MEMORY_ONLY_PROVIDER) return { status: 'discarded', version: record.version };
    const provider = this.#providers.byId(header.provider);
    if (provider === undefined) return { status: 'needsRecovery', reason: 'seal-key-unavailable', recovery: header.recoveryData ?? undefined, version: record.version };
    let dataKey: Uint8Array;
    try {
      dataKey = await provider.unwrapKey(record.wrappedDataKey);
    } catch (err) {
      if (!isConfideError(err, 'ERR_SEAL_KEY_UNAVAILABLE') && !isConfideError(err, 'ERR_SEAL_UNSEAL_FAILED')) throw err;
      return { status: 'needsRecovery', reason: reasonOf(err), recovery: header.recoveryData ?? undefined, version: record.version };
    }
    const state = await unsealState(record.sealedState, dataKey, STATE_PURPOSE);
    this.#hold(dataKey, header);
    return { status: 'open', state, version: record.version };
  }

  /**
   * Starts a new sealed state (first manifest, or a state that replaces an unrecoverable one)
   * over the record at `expectedVersion` (0: none): a fresh data key, wrapped by the provider of
   * `mode` (the state's SealMode) and split to the recovery keys. Returns the encrypted shares
   * for the key holders and the new version. Throws ERR_RECOVERY_KEYS_INVALID,
   * ERR_SEAL_MODE_UNAVAILABLE, ERR_STORE_CONFLICT, and what the provider throws.
   */
  async initialize(
    repos: Repositories,
    state: Uint8Array,
    expectedVersion: number,
    mode: SealMode,
    recovery?: RecoveryConfig,
  ): Promise<{ recoveryShares: Record<string, string>; version: number }> {
    const dataKey = crypto.getRandomValues(new Uint8Array(DATA_KEY_LENGTH));
    const split = recovery === undefined || Object.keys(recovery.keys).length === 0 ? undefined : await createRecoveryShares(dataKey, recovery.keys, recovery.threshold);
    const provider = this.#providers.forMode(mode);
    const wrapped = await provider.wrapKey(dataKey);
    const header: Header = { provider: provider.id, wrappedDataKey: wrapped, recoveryData: split?.data ?? null, recoveryShares: split?.encryptedShares ?? null };
    const version = await this.#write(repos, dataKey, header, state, expectedVersion);
    this.#hold(dataKey, header);
    return { recoveryShares: split?.encryptedShares ?? {}, version };
  }

  /**
   * Seals `state` under the held data key and writes the record over `expectedVersion`, the data
   * key wrapped by the provider of `mode` (the state's SealMode: a manifest that changes it
   * re-wraps the key); returns the new version. Throws ERR_STORE_CONFLICT (another writer changed
   * it), ERR_SEAL_MODE_UNAVAILABLE, ERR_INTERNAL (not open).
   */
  async save(repos: Repositories, state: Uint8Array, expectedVersion: number, mode: SealMode): Promise<number> {
    const { dataKey, header } = this.#held();
    const next = await this.#wrappedFor(mode, dataKey, header);
    const version = await this.#write(repos, dataKey, next, state, expectedVersion);
    this.#header = next;
    return version;
  }

  /**
   * Splits the held data key to new recovery keys (a manifest update changed RecoveryKeys) and
   * writes the record with `state` over `expectedVersion`. Returns the new encrypted shares and
   * version. Throws ERR_RECOVERY_KEYS_INVALID, ERR_STORE_CONFLICT, ERR_INTERNAL (not open).
   */
  async setRecoveryKeys(
    repos: Repositories,
    state: Uint8Array,
    recovery: RecoveryConfig | undefined,
    expectedVersion: number,
    mode: SealMode,
  ): Promise<{ recoveryShares: Record<string, string>; version: number }> {
    const { dataKey, header } = this.#held();
    const split = recovery === undefined || Object.keys(recovery.keys).length === 0 ? undefined : await createRecoveryShares(dataKey, recovery.keys, recovery.threshold);
    const next: Header = { ...(await this.#wrappedFor(mode, dataKey, header)), recoveryData: split?.data ?? null, recoveryShares: split?.encryptedShares ?? null };
    const version = await this.#write(repos, dataKey, next, state, expectedVersion);
    // Held only once written: a refused write leaves the shares in force as they were.
    this.#header = next;
    return { recoveryShares: split?.encryptedShares ?? {}, version };
  }

  /** The state bytes `dataKey` opens, holding nothing: what recovery checks before it completes. Throws ERR_SEAL_UNSEAL_FAILED. */
  async peek(repos: Repositories, dataKey: Uint8Array): Promise<Uint8Array> {
    return unsealState((await recordToRecover(repos)).sealedState, dataKey, STATE_PURPOSE);
  }

  /**
   * Ends recovery with the data key a RecoverySession rebuilt: checks that it opens the stored
   * state, wraps it with the provider of `mode` (the recovered state's SealMode; a provider that
   * lost its seal key makes a new one) and writes the record over the version it read. The data
   * key and recovery shares stay the same. Returns the state and the new version. Throws
   * ERR_SEAL_UNSEAL_FAILED (no record, or the key does not open the state), ERR_STORE_CONFLICT,
   * ERR_SEAL_MODE_UNAVAILABLE, and what the provider throws.
   */
  async completeRecovery(repos: Repositories, dataKey: Uint8Array, mode: SealMode): Promise<{ state: Uint8Array; version: number }> {
    const record = await recordToRecover(repos);
    const header = headerOf(record);
    const state = await unsealState(record.sealedState, dataKey, STATE_PURPOSE);
    const provider = this.#providers.forMode(mode);
    const next: Header = { ...header, provider: provider.id, wrappedDataKey: await provider.wrapKey(dataKey) };
    const version = await repos.sealedState.write({ ...next, sealedState: record.sealedState }, record.version);
    this.#hold(dataKey, next);
    return { state, version };
  }

  /** Seals a separate value under the held data key for `purpose` (not "state"). Throws ERR_INTERNAL (not open). */
  async seal(value: Uint8Array, purpose: string): Promise<Uint8Array> {
    return sealState(value, this.#held().dataKey, `value:${purpose}`);
  }

  /** Opens a blob from `seal` with the same purpose. Throws ERR_SEAL_UNSEAL_FAILED, ERR_INTERNAL (not open). */
  async unseal(blob: Uint8Array, purpose: string): Promise<Uint8Array> {
    return unsealState(blob, this.#held().dataKey, `value:${purpose}`);
  }

  /** `header` with the data key wrapped by `mode`'s provider: as it is when that provider wrapped it already. */
  async #wrappedFor(mode: SealMode, dataKey: Uint8Array, header: Header): Promise<Header> {
    const provider = this.#providers.forMode(mode);
    if (provider.id === header.provider) return header;
    return { ...header, provider: provider.id, wrappedDataKey: await provider.wrapKey(dataKey) };
  }

  async #write(repos: Repositories, dataKey: Uint8Array, header: Header, state: Uint8Array, expectedVersion: number): Promise<number> {
    return repos.sealedState.write({ ...header, sealedState: await sealState(state, dataKey, STATE_PURPOSE) }, expectedVersion);
  }

  #hold(dataKey: Uint8Array, header: Header): void {
    this.#dataKey = dataKey.slice();
    this.#header = { ...header };
  }

  #held(): { dataKey: Uint8Array; header: Header } {
    if (this.#dataKey === undefined || this.#header === undefined) {
      throw new CoordinatorError('ERR_INTERNAL', 'the sealed state is not open');
    }
    return { dataKey: this.#dataKey, header: this.#header };
  }
}

/** The sealed record recovery works on. Throws ERR_SEAL_UNSEAL_FAILED when there is none. */
async function recordToRecover(repos: Repositories): Promise<NonNullable<Awaited<ReturnType<Repositories['sealedState']['get']>>>> {
  const record = await repos.sealedState.get();
  if (record === undefined) throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'there is no sealed state to recover');
  return record;
}
