/**
 * The coordinator's lifecycle over its one sealed state object: start (open, create, or enter
 * recovery), the state in force, mutations run in one store transaction with the state machine's
 * check at their top, recovery, and starting over. No client API and no HTTP here: the client
 * API (clientapi/) calls these.
 */
import { ConfideError, systemClock, type Clock } from '@confide/core';
import type { Repositories, Store } from '@confide/store';
import { appendAudit, exportAuditLog, readAuditHead, type AuditEvent, type AuditHead } from '../audit/append.js';
import { createAuditSigner, generateAuditKeyPair, type AuditSigner } from '../audit/signer.js';
import { createCoordinatorPki } from '../pki/ca.js';
import type { CoordinatorPki } from '../pki/types.js';
import type { SealProvider } from '../sealing/provider.js';
import { SEALED_STATE_KEY, SealedStore, type RecoveryReason } from '../sealing/sealed-store.js';
import { ActivationLedger } from './activation-ledger.js';
import { epochEvent } from './audit-epoch.js';
import type { Change } from './change.js';
import { moveInlineActivations } from './legacy-activations.js';
import { RecoveryMode } from './recovery-mode.js';
import { decodeState, encodeState } from './state-codec.js';
import { assertAllowed, OPERATIONS, wrongState, type Operation } from './state-machine.js';
import type { DeploymentState, StateData } from './state.js';
import { CoordinatorState } from './status.js';

export interface LifecycleOptions {
  store: Store;
  /** Wraps the data key; losing its key sends the coordinator into recovery. */
  seal: SealProvider;
  clock?: Clock | undefined;
  /**
   * The operator's decision to discard a sealed state that cannot be opened and start over with
   * a new one (a new root CA, audit key and audit epoch). Without it a lost seal key means recovery.
   */
  startOver?: boolean | undefined;
}

/** An operation's result, with the encrypted recovery shares when it split the data key anew. */
export interface Changed<T> {
  result: T;
  /** Recovery key name -> base64 RSA-OAEP ciphertext of that holder's share. */
  recoverySecrets?: Record<string, string>;
}

interface Cached {
  /** The sealedState field of the record the state came from: unchanged field, unchanged state. */
  blob: string;
  state: StateData;
}

/** How the last start went: what the server logs. */
export type StartOutcome = 'created' | 'opened' | 'recovery' | 'started-over';

export class CoordinatorLifecycle {
  readonly store: Store;
  readonly clock: Clock;
  readonly #sealed: SealedStore;
  /** Activation records, sealed under the state's data key. */
  readonly ledger: ActivationLedger;
  #cache: Cached | undefined;
  #recovery: RecoveryMode | undefined;
  #signer: { jwk: string; signer: Promise<AuditSigner> } | undefined;
  #outcome: StartOutcome = 'created';

  private constructor(options: LifecycleOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.#sealed = new SealedStore(options.seal);
    this.ledger = new ActivationLedger(this.#sealed);
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
        await this.#sealed.initialize(repos, encodeState(state));
        this.#cache = await this.#pair(repos, state);
        this.#outcome = 'created';
      } else if (opened.status === 'open') {
        const state = decodeState<StateData>(opened.state);
        const moved = await moveInlineActivations(repos, this.ledger, state);
        if (moved) await this.#sealed.save(repos, encodeState(moved));
        this.#cache = await this.#pair(repos, moved ?? state);
        this.#outcome = 'opened';
      } else {
        this.#recovery = await RecoveryMode.enter(opened.reason, opened.recovery, this.clock.now());
        this.#outcome = 'recovery';
      }
    });
  }

  /**
   * `state` paired with the stored record that holds it: read in the transaction that wrote it
   * (later, another writer's record could be paired with it). The caller caches it once the
   * transaction committed.
   */
  async #pair(repos: Repositories, state: StateData): Promise<Cached | undefined> {
    const record = await repos.settings.get<{ sealedState: string }>(SEALED_STATE_KEY);
    return record ? { blob: record.sealedState, state } : undefined;
  }

  /** The state as stored now; re-opened only when another writer (a replica) changed it. */
  async #load(repos: Repositories): Promise<StateData> {
    const record = await repos.settings.get<{ sealedState: string }>(SEALED_STATE_KEY);
    if (record && this.#cache && record.sealedState === this.#cache.blob) return this.#cache.state;
    const opened = await this.#sealed.open(repos);
    if (opened.status !== 'open') throw new ConfideError('ERR_SEAL_UNSEAL_FAILED', `the sealed state cannot be opened (${opened.status})`);
    const state = decodeState<StateData>(opened.state);
    this.#cache = { blob: (record as { sealedState: string }).sealedState, state };
    return state;
  }

  /** The current state number. */
  get state(): CoordinatorState {
    if (this.#recovery) return CoordinatorState.Recovery;
    return this.#cache?.state.deployment ? CoordinatorState.AcceptingMarbles : CoordinatorState.AcceptingManifest;
  }

  /** The state for a read, once `operation` is allowed. Throws ERR_COORDINATOR_STATE. */
  async read(operation: Operation): Promise<StateData> {
    assertAllowed(operation, this.state);
    if (this.#recovery) throw wrongState(CoordinatorState.Recovery, OPERATIONS[operation].allowed, OPERATIONS[operation].name);
    return this.#load(this.store);
  }

  /** The deployment for a read; throws ERR_COORDINATOR_STATE unless accepting marbles (and `operation` allows that). */
  async readDeployment(operation: Operation): Promise<{ state: StateData; deployment: DeploymentState }> {
    const state = await this.read(operation);
    if (!state.deployment) throw wrongState(CoordinatorState.AcceptingManifest, [CoordinatorState.AcceptingMarbles], OPERATIONS[operation].name);
    return { state, deployment: state.deployment };
  }

  /** The PKI for the quote: the real one, or in recovery a throwaway one (the real root is sealed). */
  async quotePki(): Promise<CoordinatorPki> {
    if (this.#recovery) return this.#recovery.pki;
    return (await this.#load(this.store)).pki;
  }

  /**
   * Runs `operation` on the state in one store transaction: load, check that `name` is allowed
   * in the state as stored now, run it, write the next state, re-split the data key when asked,
   * append the audit entries. A throw anywhere rolls everything back.
   */
  async change<T>(name: Operation, operation: (state: StateData, repos: Repositories) => Promise<Change<T>>): Promise<Changed<T>> {
    let written: Cached | undefined;
    const out = await this.store.tx(async (repos): Promise<Changed<T>> => {
      const state = await this.#current(repos, name);
      const change = await operation(state, repos);
      let recoverySecrets: Record<string, string> | undefined;
      if (change.next) {
        const bytes = encodeState(change.next);
        if (change.recovery !== undefined) recoverySecrets = (await this.#sealed.setRecoveryKeys(repos, bytes, change.recovery ?? undefined)).recoveryShares;
        else await this.#sealed.save(repos, bytes);
        written = await this.#pair(repos, change.next);
      }
      await this.#audit(repos, change.next ?? state, change.audit ?? []);
      return { result: change.result, ...(recoverySecrets ? { recoverySecrets } : {}) };
    });
    if (written) this.#cache = written;
    return out;
  }

  /** The state in force, inside a transaction, once `name` is allowed in it. Throws ERR_COORDINATOR_STATE. */
  async #current(repos: Repositories, name: Operation): Promise<StateData> {
    if (this.#recovery) throw wrongState(CoordinatorState.Recovery, OPERATIONS[name].allowed, OPERATIONS[name].name);
    const state = await this.#load(repos);
    assertAllowed(name, state.deployment ? CoordinatorState.AcceptingMarbles : CoordinatorState.AcceptingManifest);
    return state;
  }

  async #audit(repos: Repositories, state: StateData, events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) await appendAudit(repos, event, { signer: await this.#auditSigner(state), clock: this.clock });
  }

  #auditSigner(state: StateData): Promise<AuditSigner> {
    const jwk = JSON.stringify(state.audit.privateKeyJwk);
    if (this.#signer?.jwk !== jwk) this.#signer = { jwk, signer: createAuditSigner(state.audit.privateKeyJwk) };
    return this.#signer.signer;
  }

  /** The audit log as JSON lines, oldest first. */
  auditLog(): Promise<string> {
    return exportAuditLog(this.store);
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
  async completeRecovery(dataKey: Uint8Array, acceptedKeys: string[]): Promise<void> {
    const mode = this.recoveryMode('recover');
    const cached = await this.store.tx(async (repos) => {
      let state = decodeState<StateData>(await this.#sealed.completeRecovery(repos, dataKey));
      const moved = await moveInlineActivations(repos, this.ledger, state);
      if (moved) await this.#sealed.save(repos, encodeState((state = moved)));
      await this.#audit(repos, state, [{ type: 'recovery.complete', actor: 'coordinator', details: { reason: mode.reason, keys: acceptedKeys } }]);
      return this.#pair(repos, state);
    });
    this.#cache = cached;
    this.#recovery = undefined;
  }

  /**
   * Discards the unrecoverable sealed state and starts a new one (MarbleRun: "or set a new
   * manifest"; in production only at the operator's word, `startOver`). `build` makes the new
   * state from a fresh PKI and audit key. The audit log goes on with an `audit.epoch` entry
   * signed by the new audit key, naming it and the key before it, so the log still verifies
   * across the change. Activations of the old deployment are forgotten.
   */
  async startOver<T>(why: 'operator' | 'manifest', build: (fresh: StateData) => Promise<Change<T>>): Promise<Changed<T>> {
    const mode = this.recoveryMode('startOver');
    const fresh = await freshState(this.clock.now());
    const change = await build(fresh);
    const next = change.next ?? fresh;
    let recoverySecrets: Record<string, string> = {};
    const cached = await this.store.tx(async (repos) => {
      recoverySecrets = (await this.#sealed.initialize(repos, encodeState(next), change.recovery ?? undefined)).recoveryShares;
      // The old deployment's marbles are not the new one's (and their records were sealed under the old data key).
      await this.ledger.clear(repos);
      const epoch = await epochEvent(repos, next.audit.publicKeyJwk, { by: why, recoveryReason: mode.reason });
      await this.#audit(repos, next, [epoch, ...(change.audit ?? [])]);
      return this.#pair(repos, next);
    });
    this.#cache = cached;
    this.#recovery = undefined;
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
