/**
 * The coordinator's lifecycle over its one sealed state object: start (open, create, or enter
 * recovery), the state in force, mutations run in one store transaction with the state machine's
 * check at their top, recovery, and starting over. No client API and no HTTP here: the client
 * API (clientapi/) calls these.
 */
import { isConfideError, systemClock, type Clock } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Repositories, Store } from '@confide/store';
import type { AuditEntry } from '@confide/audit';
import { appendAudit, exportAuditLog, readAuditHead, type AuditEvent, type AuditHead } from '../audit/append.js';
import { createAuditSigner, generateAuditKeyPair, type AuditSigner } from '../audit/signer.js';
import { createCoordinatorPki } from '../pki/ca.js';
import type { CoordinatorPki } from '../pki/types.js';
import type { SealProvider } from '../sealing/provider.js';
import { sealModeOf, type TeeSealProviders } from '../sealing/seal-mode.js';
import { SealedStore, type RecoveryConfig, type RecoveryReason } from '../sealing/sealed-store.js';
import { sealProviders } from '../sealing/seal-providers.js';
import { ActivationLedger } from './activation-ledger.js';
import { MonotonicCounterBook } from './monotonic-counter.js';
import { epochEvent } from './audit-epoch.js';
import type { Change } from './change.js';
import { RecoveryMode } from './recovery-mode.js';
import { decodeState, encodeState } from './state-codec.js';
import { assertAllowed, OPERATIONS, wrongState, type Operation } from './state-machine.js';
import type { DeploymentState, StateData } from './state.js';
import { CoordinatorState } from './status.js';

export interface LifecycleOptions {
  store: Store;
  /** Wraps the data key (SealMode "" and before any manifest); losing its key sends the coordinator into recovery. */
  seal: SealProvider;
  /**
   * The providers of the TEE's own keys for SealMode ProductKey and UniqueKey. Absent (dev mode,
   * no TEE), `seal` stands in for them, as MarbleRun's sealer outside an enclave keeps the key as it is.
   */
  teeSeal?: TeeSealProviders | undefined;
  clock?: Clock | undefined;
  /**
   * The operator's decision to discard a sealed state that cannot be opened and start over with
   * a new one (a new root CA, audit key and audit epoch). Without it a lost seal key means recovery.
   */
  startOver?: boolean | undefined;
  /**
   * Told the audit entries an operation appended, once the transaction holding them committed and
   * before the operation answers (the server mirrors them into the ledger). It must not reject:
   * the change is made by then, and its own log holds the entries whatever a copy does.
   */
  onAudit?: ((entries: readonly AuditEntry[]) => Promise<void>) | undefined;
}

/** An operation's result, with the encrypted recovery shares when it split the data key anew. */
export interface Changed<T> {
  result: T;
  /** Recovery key name -> base64 RSA-OAEP ciphertext of that holder's share. */
  recoverySecrets?: Record<string, string>;
}

/** A state with the version of the sealed-state record it came from: same version, same state. */
export interface Versioned {
  version: number;
  state: StateData;
}

/** How the last start went: what the server logs. */
export type StartOutcome = 'created' | 'opened' | 'recovery' | 'started-over' | 'memory-only-lost';

/** The state number of a stored state: accepting marbles once a manifest is set. */
function stateOf(versioned: Versioned): CoordinatorState {
  return versioned.state.deployment ? CoordinatorState.AcceptingMarbles : CoordinatorState.AcceptingManifest;
}

export class CoordinatorLifecycle {
  readonly store: Store;
  readonly clock: Clock;
  readonly #sealed: SealedStore;
  /** Activation records, sealed under the state's data key. */
  readonly ledger: ActivationLedger;
  /** MarbleRun's monotonic counters, each value sealed under the state's data key. */
  readonly counters: MonotonicCounterBook;
  #cache: Versioned | undefined;
  #recovery: RecoveryMode | undefined;
  /** In recovery: the version of the record that could not be opened, which a start-over replaces. */
  #recoveryVersion = 0;
  #signer: { jwk: string; signer: Promise<AuditSigner> } | undefined;
  #outcome: StartOutcome = 'created';
  readonly #onAudit: ((entries: readonly AuditEntry[]) => Promise<void>) | undefined;

  private constructor(options: LifecycleOptions) {
    this.store = options.store;
    this.#onAudit = options.onAudit;
    this.clock = options.clock ?? systemClock;
    this.#sealed = new SealedStore(sealProviders(options.seal, options.teeSeal, options.store.engine));
    this.ledger = new ActivationLedger(this.#sealed);
    this.counters = new MonotonicCounterBook(this.#sealed);
  }

  /**
   * Opens the sealed state: none yet -> a fresh root CA and audit key, waiting for a manifest;
   * sealed state that opens -> accepting marbles (or still waiting for a manifest); a seal key
   * that is missing or does not match -> recovery, or with `startOver` a new state. Throws
   * ERR_SEAL_UNSEAL_FAILED (the record is altered: recovery cannot help), ERR_STORE_UNAVAILABLE.
   */
  static async start(options: LifecycleOptions): Promise<CoordinatorLifecycle> {
    const lifecycle = new CoordinatorLifecycle(options);
    await lifecycle.#open();
    if (lifecycle.#recovery && options.startOver) {
      await lifecycle.startOver('operator', (fresh) => Promise.resolve({ next: fresh, result: undefined }));
      lifecycle.#outcome = 'started-over';
    }
    return lifecycle;
  }

  /** What the start found. */
  get outcome(): StartOutcome {
    return this.#outcome;
  }

  async #open(): Promise<void> {
    await this.store.tx(async (repos) => {
      const opened = await this.#sealed.open(repos);
      if (opened.status === 'empty') {
        const state = await freshState(this.clock.now());
        const { version } = await this.#sealed.initialize(repos, encodeState(state), 0, '');
        this.#cache = { version, state };
        this.#outcome = 'created';
      } else if (opened.status === 'discarded') {
        // SealMode Disabled: the state lived in the last process's memory. Start empty, as
        // MarbleRun does with nothing on disk; the audit log goes on under a new key.
        const state = await freshState(this.clock.now());
        const { version } = await this.#replace(repos, state, opened.version, { by: 'restart', recoveryReason: 'seal-mode-disabled' });
        this.#cache = { version, state };
        this.#outcome = 'memory-only-lost';
      } else if (opened.status === 'open') {
        this.#cache = { version: opened.version, state: decodeState<StateData>(opened.state) };
        this.#outcome = 'opened';
      } else {
        this.#recovery = await RecoveryMode.enter(opened.reason, opened.recovery, this.clock.now());
        this.#recoveryVersion = opened.version;
        this.#outcome = 'recovery';
      }
    });
  }

  /**
   * The state as stored now, with its version; re-opened only when the stored version is not
   * the cached one (another writer, a replica, changed it).
   */
  async #load(repos: Repositories): Promise<Versioned> {
    const version = await repos.sealedState.version();
    if (this.#cache && version === this.#cache.version) return this.#cache;
    const opened = await this.#sealed.open(repos);
    if (opened.status !== 'open') throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', `the sealed state cannot be opened (${opened.status})`);
    const loaded = { version: opened.version, state: decodeState<StateData>(opened.state) };
    // Only a newer version replaces the cache: a reader that raced a writer must not bring back an older state.
    if (!this.#cache || loaded.version > this.#cache.version) this.#cache = loaded;
    return loaded;
  }

  /** The current state number. */
  get state(): CoordinatorState {
    if (this.#recovery) return CoordinatorState.Recovery;
    return this.#cache ? stateOf(this.#cache) : CoordinatorState.AcceptingManifest;
  }

  /** The state for a read, once `operation` is allowed. Throws ERR_COORDINATOR_STATE. */
  async read(operation: Operation): Promise<StateData> {
    return (await this.readVersioned(operation)).state;
  }

  /** The state for a read with its version, once `operation` is allowed: a later write or re-check names the version. Throws ERR_COORDINATOR_STATE. */
  async readVersioned(operation: Operation): Promise<Versioned> {
    if (this.#recovery) {
      assertAllowed(operation, CoordinatorState.Recovery);
      throw wrongState(CoordinatorState.Recovery, OPERATIONS[operation].allowed, OPERATIONS[operation].name);
    }
    // Checked against the state as stored now, not the cached one: another replica may have set the manifest.
    const loaded = await this.#load(this.store);
    assertAllowed(operation, stateOf(loaded));
    return loaded;
  }

  /** The current state number as stored now (what `state` says, after catching up with a change another replica made). */
  async currentState(): Promise<CoordinatorState> {
    if (this.#recovery) return CoordinatorState.Recovery;
    return stateOf(await this.#load(this.store));
  }

  /** The deployment for a read; throws ERR_COORDINATOR_STATE unless accepting marbles (and `operation` allows that). */
  async readDeployment(operation: Operation): Promise<{ state: StateData; deployment: DeploymentState; version: number }> {
    const { state, version } = await this.readVersioned(operation);
    if (!state.deployment) throw wrongState(CoordinatorState.AcceptingManifest, [CoordinatorState.AcceptingMarbles], OPERATIONS[operation].name);
    return { state, deployment: state.deployment, version };
  }

  /**
   * The deployment as this process last knew it, without a store read, for work whose transaction
   * compares the stored version with `version` and redoes what it worked out on an older state
   * (activation); read from the store when nothing is known yet. `known` tells which: a refusal
   * worked out on a known state may be stale, and must be judged again on the stored one.
   */
  async knownDeployment(operation: Operation): Promise<{ state: StateData; deployment: DeploymentState; version: number; known: boolean }> {
    const cached = this.#cache;
    if (this.#recovery || !cached?.state.deployment) return { ...(await this.readDeployment(operation)), known: false };
    assertAllowed(operation, stateOf(cached));
    return { state: cached.state, deployment: cached.state.deployment, version: cached.version, known: true };
  }

  /** The PKI for the quote: the real one, or in recovery a throwaway one (the real root is sealed). */
  async quotePki(): Promise<CoordinatorPki> {
    if (this.#recovery) return this.#recovery.pki;
    return (await this.#load(this.store)).state.pki;
  }

  /**
   * The root certificate (PEM) and key (PKCS#8 DER) in force now, without a store read: the
   * cached state's, or in recovery the throwaway one. What the client API listener presents.
   */
  get currentRoot(): { cert: string; key: Uint8Array } | undefined {
    const pki = this.#recovery?.pki ?? this.#cache?.state.pki;
    return pki ? { cert: pki.rootCert, key: pki.rootKey } : undefined;
  }

  /**
   * Runs `operation` on the state in one store transaction: load, check that `name` is allowed
   * in the state as stored now, run it (with the state's version), write the next state over that version, re-split the data key when asked,
   * append the audit entries. A throw anywhere rolls everything back.
   */
  async change<T>(name: Operation, operation: (state: StateData, repos: Repositories, version: number) => Promise<Change<T>>): Promise<Changed<T>> {
    let written: Versioned | undefined;
    let appended: AuditEntry[] = [];
    const out = await this.store.tx(async (repos): Promise<Changed<T>> => {
      const { state, version } = await this.current(repos, name);
      const change = await operation(state, repos, version);
      let recoverySecrets: Record<string, string> | undefined;
      if (change.next) {
        const bytes = encodeState(change.next);
        let next: number;
        if (change.recovery !== undefined) {
          const split = await this.#sealed.setRecoveryKeys(repos, bytes, change.recovery ?? undefined, version, sealModeOf(change.next.deployment?.manifest));
          recoverySecrets = split.recoveryShares;
          next = split.version;
        } else next = await this.#sealed.save(repos, bytes, version, sealModeOf(change.next.deployment?.manifest));
        written = { version: next, state: change.next };
      }
      appended = await this.#audit(repos, change.next ?? state, change.audit ?? []);
      return { result: change.result, ...(recoverySecrets ? { recoverySecrets } : {}) };
    });
    if (written) this.#cache = written;
    await this.#told(appended);
    return out;
  }

  /**
   * `change` for an operation worked out ahead on `at` (the state in force at its version, where
   * `name` is allowed) that writes no state and states its own expectations to the store
   * (activation: a new UUID with room): the transaction checks the stored version without reading
   * it (expectVersion), so on PostgreSQL it goes out with the operation's first write.
   * Resolves undefined, everything rolled back, when the stored version moved or an expectation
   * failed (ERR_STORE_CONFLICT, reason "expectation"): the caller then runs `change`, which reads
   * what is stored and judges the operation on it. Throws what the operation and the store throw.
   */
  async changeIfAt<T>(name: Operation, at: Versioned, operation: (repos: Repositories) => Promise<Pick<Change<T>, 'result' | 'audit'>>): Promise<Changed<T> | undefined> {
    if (this.#recovery) return undefined;
    assertAllowed(name, stateOf(at));
    let appended: AuditEntry[] = [];
    let out: Changed<T>;
    try {
      out = await this.store.tx(async (repos): Promise<Changed<T>> => {
        await repos.sealedState.expectVersion(at.version);
        const change = await operation(repos);
        appended = await this.#audit(repos, at.state, change.audit ?? []);
        return { result: change.result };
      });
    } catch (err) {
      if (isConfideError(err, 'ERR_STORE_CONFLICT') && err.details?.['reason'] === 'expectation') return undefined;
      throw err;
    }
    await this.#told(appended);
    return out;
  }

  /** The state in force and its version, inside a transaction (`repos`), once `name` is allowed in it. Throws ERR_COORDINATOR_STATE. */
  async current(repos: Repositories, name: Operation): Promise<Versioned> {
    if (this.#recovery) throw wrongState(CoordinatorState.Recovery, OPERATIONS[name].allowed, OPERATIONS[name].name);
    const loaded = await this.#load(repos);
    assertAllowed(name, stateOf(loaded));
    return loaded;
  }

  /**
   * Writes `next` as a new deployment over the sealed record at `overVersion`: a fresh data key
   * (wrapped under `next`'s SealMode, split to `recovery`), the old deployment's activations and
   * monotonic counters forgotten (they were sealed under the old data key), and an `audit.epoch`
   * entry, then `audit`, signed by the new audit key. What a start-over and a SealMode Disabled
   * restart share.
   */
  async #replace(
    repos: Repositories,
    next: StateData,
    overVersion: number,
    why: { by: 'operator' | 'manifest' | 'restart'; recoveryReason: string },
    audit: readonly AuditEvent[] = [],
    recovery?: RecoveryConfig,
  ): Promise<{ version: number; recoveryShares: Record<string, string>; appended: AuditEntry[] }> {
    const initialized = await this.#sealed.initialize(repos, encodeState(next), overVersion, sealModeOf(next.deployment?.manifest), recovery);
    await this.ledger.clear(repos);
    await this.counters.clear(repos);
    const epoch = await epochEvent(repos, next.audit.publicKeyJwk, why);
    const appended = await this.#audit(repos, next, [epoch, ...audit]);
    return { version: initialized.version, recoveryShares: initialized.recoveryShares, appended };
  }

  /** Appends `events` in the transaction of `repos`; returns the entries (a retried transaction returns its own). */
  async #audit(repos: Repositories, state: StateData, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const event of events) out.push(await appendAudit(repos, event, { signer: await this.#auditSigner(state), clock: this.clock }));
    return out;
  }

  /** After the commit: tells onAudit what was appended. */
  async #told(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length > 0 && this.#onAudit) await this.#onAudit(entries);
  }

  #auditSigner(state: StateData): Promise<AuditSigner> {
    const jwk = JSON.stringify(state.audit.privateKeyJwk);
    if (this.#signer?.jwk !== jwk) this.#signer = { jwk, signer: createAuditSigner(state.audit.privateKeyJwk) };
    return this.#signer.signer;
  }

  /** The audit log after seq `afterSeq` (default 0: all of it) as JSON lines, oldest first. */
  auditLog(afterSeq = 0): Promise<string> {
    return exportAuditLog(this.store, afterSeq);
  }

  /** The audit public key (P-256 JWK) and the current head. Throws ERR_COORDINATOR_STATE in recovery. */
  async auditKey(): Promise<{ publicKeyJwk: JsonWebKey; head: AuditHead }> {
    const state = await this.read('readAuditKey');
    return { publicKeyJwk: state.audit.publicKeyJwk, head: await readAuditHead(this.store) };
  }

  /** The recovery mode while in state 1; throws ERR_COORDINATOR_STATE unless `operation` is allowed. */
  recoveryMode(operation: Operation): RecoveryMode {
    assertAllowed(operation, this.state);
    if (!this.#recovery) throw wrongState(this.state, [CoordinatorState.Recovery], OPERATIONS[operation].name);
    return this.#recovery;
  }

  /**
   * Ends recovery with a rebuilt data key: opens the state with it, re-wraps it under the seal
   * provider, records the recovery in the audit log, and leaves recovery mode.
   */
  async completeRecovery(dataKey: Uint8Array, acceptedKeys: string[], check?: (state: StateData) => void): Promise<void> {
    const mode = this.recoveryMode('recover');
    let appended: AuditEntry[] = [];
    const cached = await this.store.tx(async (repos): Promise<Versioned> => {
      // Checked before anything is written or held: a refused recovery leaves the coordinator as it was.
      const peeked = decodeState<StateData>(await this.#sealed.peek(repos, dataKey));
      check?.(peeked);
      const recovered = await this.#sealed.completeRecovery(repos, dataKey, sealModeOf(peeked.deployment?.manifest));
      const state = decodeState<StateData>(recovered.state);
      appended = await this.#audit(repos, state, [{ type: 'recovery.complete', actor: 'coordinator', details: { reason: mode.reason, keys: acceptedKeys } }]);
      return { version: recovered.version, state };
    });
    this.#cache = cached;
    this.#recovery = undefined;
    await this.#told(appended);
  }

  /**
   * Discards the unrecoverable sealed state and starts a new one (MarbleRun: "or set a new
   * manifest"; in production only at the operator's word, `startOver`). `build` makes the new
   * state from a fresh PKI and audit key. The audit log goes on with an `audit.epoch` entry
   * signed by the new audit key, naming it and the key before it, so the log still verifies
   * across the change. Activations and monotonic counters of the old deployment are forgotten.
   */
  async startOver<T>(why: 'operator' | 'manifest', build: (fresh: StateData) => Promise<Change<T>>): Promise<Changed<T>> {
    const mode = this.recoveryMode('startOver');
    const fresh = await freshState(this.clock.now());
    const change = await build(fresh);
    const next = change.next ?? fresh;
    let recoverySecrets: Record<string, string> = {};
    let appended: AuditEntry[] = [];
    const cached = await this.store.tx(async (repos): Promise<Versioned> => {
      // Over the version that could not be opened: a replica that recovered or started over meanwhile wins, and this one fails with ERR_STORE_CONFLICT.
      const replaced = await this.#replace(repos, next, this.#recoveryVersion, { by: why, recoveryReason: mode.reason }, change.audit ?? [], change.recovery ?? undefined);
      recoverySecrets = replaced.recoveryShares;
      appended = replaced.appended;
      return { version: replaced.version, state: next };
    });
    this.#cache = cached;
    this.#recovery = undefined;
    await this.#told(appended);
    return { result: change.result, recoverySecrets };
  }
}

/** Why the coordinator is in recovery, or undefined. */
export type { RecoveryReason };

/** A new root CA and audit key: the state before any manifest. */
async function freshState(now: Date): Promise<StateData> {
  const [pki, audit] = await Promise.all([createCoordinatorPki(now), generateAuditKeyPair()]);
  return { version: 1, pki, audit };
}
