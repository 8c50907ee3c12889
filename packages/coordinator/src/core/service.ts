/**
 * The coordinator: an explicit state machine (recovery -> accepting manifest -> accepting
 * marbles, MarbleRun's numbers) over one sealed state object. Every mutating operation loads the
 * state, checks that the operation is allowed in it, and writes the new state with its audit
 * entries in the same store transaction. No HTTP here: routes call these methods.
 */
import { concatBytes, ConfideError, digest, systemClock, toBase64, toHex, utf8, type Clock } from '@confide/core';
import { verifyEvidence, type CollateralProvider, type TrustAnchors } from '@confide/evidence';
import type { Repositories, Store } from '@confide/store';
import { appendAudit, exportAuditLog, readAuditHead, type AuditHead } from '../audit/append.js';
import { createAuditSigner, generateAuditKeyPair, type AuditSigner } from '../audit/signer.js';
import { createCoordinatorPki } from '../pki/ca.js';
import { p1363ToDer } from '../pki/der.js';
import { caSigningKey } from '../pki/keys.js';
import type { CoordinatorPki } from '../pki/types.js';
import type { SealProvider } from '../sealing/provider.js';
import { SEALED_STATE_KEY, SealedStore } from '../sealing/sealed-store.js';
import type { Change } from './change.js';
import { decodeState, encodeState } from './state-codec.js';
import { CoordinatorState, STATE_MESSAGES, STATE_NAMES } from './status.js';
import type { DeploymentState, StateData } from './state.js';
import { RecoveryMode } from './recovery-mode.js';
import { pemDecode } from '../pki/pem.js';
import type { UserSecretUpload } from '../secrets/user-secret.js';
import { commitActivation, prepareActivation, verifyActivationEvidence, type ActivationRequest, type ActivationResult } from './activation.js';
import { ActivationLedger } from './activation-ledger.js';
import { moveInlineActivations } from './legacy-activations.js';
import { setManifestChange, signWithRoot } from './manifest-ops.js';
import { checkManifest } from './ports.js';
import { readSecrets, writeSecretsChange, type SecretView } from './secrets-api.js';
import { acknowledgeChange, cancelChange, pendingView, updateChange, type UpdateProgress } from './updates.js';
import { authenticateUser } from './users.js';

/** Evidence verification settings for activation and sign-quote. */
export interface EvidenceSettings {
  collateral: CollateralProvider;
  /** Simulation public keys whose evidence 'sim' packages accept (dev mode only; absent in production). */
  simulationKeys?: (() => Promise<ReadonlyArray<CryptoKey | Uint8Array>>) | undefined;
  /** Replaces the pinned vendor roots (tests only). */
  trustAnchors?: TrustAnchors | undefined;
}

export interface CoordinatorOptions {
  store: Store;
  /** Wraps the data key; losing its key sends the coordinator into recovery. */
  seal: SealProvider;
  evidence: EvidenceSettings;
  clock?: Clock | undefined;
  /**
   * The coordinator's own evidence over 64 bytes of report data (simulated in dev mode, the
   * TEE's in production). Absent, /quote answers an empty quote, as MarbleRun does in simulation.
   */
  quote?: ((reportData: Uint8Array) => Promise<Uint8Array>) | undefined;
}

export interface StatusResult {
  code: CoordinatorState;
  message: string;
}

/** Shared by the operation modules: the service's view of its collaborators. */
export interface CoordinatorContext {
  clock: Clock;
  evidence: EvidenceSettings;
  quote: ((reportData: Uint8Array) => Promise<Uint8Array>) | undefined;
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

/** Throws ERR_COORDINATOR_STATE naming the current and the needed states. */
export function wrongState(current: CoordinatorState, needed: CoordinatorState[], operation: string): ConfideError {
  return new ConfideError(
    'ERR_COORDINATOR_STATE',
    `${operation} is not possible while the coordinator is ${STATE_NAMES[current]} (needs ${needed.map((s) => STATE_NAMES[s]).join(' or ')})`,
    { details: { state: current, stateName: STATE_NAMES[current], operation } },
  );
}

/** The root's signature over the listener's TLS key: what ties the HTTPS channel to the attested coordinator. */
export interface TlsBinding {
  /** Hex SHA-256 of the TLS leaf's SubjectPublicKeyInfo DER. */
  spkiSha256: string;
  /** ECDSA P-384 / SHA-384 by the root key over tlsBindingMessage(), ASN.1 DER. */
  signature: Uint8Array;
}

/** The exact text the root signs for the TLS binding; `nonceHex` is lower-case hex, empty without a nonce. */
export function tlsBindingMessage(spkiSha256: string, nonceHex: string): string {
  return `confide-coordinator-tls-binding/v1\n${spkiSha256}\n${nonceHex}`;
}

export class CoordinatorService {
  readonly #store: Store;
  readonly #sealed: SealedStore;
  readonly #ledger: ActivationLedger;
  readonly ctx: CoordinatorContext;
  #cache: Cached | undefined;
  #recovery: RecoveryMode | undefined;
  #signer: { jwk: string; signer: Promise<AuditSigner> } | undefined;
  #tlsSpkiSha256: string | undefined;

  private constructor(options: CoordinatorOptions) {
    this.#store = options.store;
    this.#sealed = new SealedStore(options.seal);
    this.#ledger = new ActivationLedger(this.#sealed);
    this.ctx = { clock: options.clock ?? systemClock, evidence: options.evidence, quote: options.quote };
  }

  /**
   * Opens the sealed state: none yet -> a fresh root CA and audit key, waiting for a manifest;
   * sealed state that opens -> accepting marbles (or still waiting for a manifest); a seal key
   * that is missing or does not match -> recovery. Throws ERR_SEAL_UNSEAL_FAILED (the record is
   * altered: recovery cannot help), ERR_STORE_UNAVAILABLE.
   */
  static async start(options: CoordinatorOptions): Promise<CoordinatorService> {
    const service = new CoordinatorService(options);
    await service.#open();
    return service;
  }

  async #open(): Promise<void> {
    await this.#store.tx(async (repos) => {
      const opened = await this.#sealed.open(repos);
      if (opened.status === 'empty') {
        const state = await freshState(this.ctx.clock.now());
        await this.#sealed.initialize(repos, encodeState(state));
        this.#cache = await this.#pair(repos, state);
      } else if (opened.status === 'open') {
        const state = decodeState<StateData>(opened.state);
        const moved = await moveInlineActivations(repos, this.#ledger, state);
        if (moved) await this.#sealed.save(repos, encodeState(moved));
        this.#cache = await this.#pair(repos, moved ?? state);
      } else {
        this.#recovery = await RecoveryMode.enter(opened.reason, opened.recovery, this.ctx.clock.now());
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

  /** MarbleRun's status: code and message. */
  status(): StatusResult {
    const code = this.state;
    return { code, message: STATE_MESSAGES[code] };
  }

  /** The state for a read; throws ERR_COORDINATOR_STATE in recovery. */
  async read(operation: string): Promise<StateData> {
    if (this.#recovery) throw wrongState(CoordinatorState.Recovery, [CoordinatorState.AcceptingManifest, CoordinatorState.AcceptingMarbles], operation);
    return this.#load(this.#store);
  }

  /** The deployment for a read; throws ERR_COORDINATOR_STATE unless accepting marbles. */
  async readDeployment(operation: string): Promise<{ state: StateData; deployment: DeploymentState }> {
    const state = await this.read(operation);
    if (!state.deployment) throw wrongState(CoordinatorState.AcceptingManifest, [CoordinatorState.AcceptingMarbles], operation);
    return { state, deployment: state.deployment };
  }

  /** The PKI for the quote: the real one, or in recovery a throwaway one (the real root is sealed). */
  async quotePki(): Promise<CoordinatorPki> {
    if (this.#recovery) return this.#recovery.pki;
    return (await this.#load(this.#store)).pki;
  }

  /**
   * Runs `operation` on the state in one store transaction: load, check (inside `operation`),
   * write the next state, re-split the data key when asked, append the audit entries. A throw
   * anywhere rolls everything back. `allowed` lists the states the operation may run in.
   */
  async change<T>(name: string, allowed: CoordinatorState[], operation: (state: StateData) => Promise<Change<T>>): Promise<Changed<T>> {
    let written: Cached | undefined;
    const out = await this.#store.tx(async (repos): Promise<Changed<T>> => {
      const state = await this.#current(repos, name, allowed);
      const change = await operation(state);
      let recoverySecrets: Record<string, string> | undefined;
      if (change.next) {
        const bytes = encodeState(change.next);
        if (change.recovery !== undefined) recoverySecrets = (await this.#sealed.setRecoveryKeys(repos, bytes, change.recovery ?? undefined)).recoveryShares;
        else await this.#sealed.save(repos, bytes);
        written = await this.#pair(repos, change.next);
      }
      const audited = change.next ?? state;
      for (const event of change.audit ?? []) await appendAudit(repos, event, { signer: await this.#auditSigner(audited), clock: this.ctx.clock });
      return { result: change.result, ...(recoverySecrets ? { recoverySecrets } : {}) };
    });
    if (written) this.#cache = written;
    return out;
  }

  /** The state in force, inside a transaction, once `name` is allowed in it. Throws ERR_COORDINATOR_STATE. */
  async #current(repos: Repositories, name: string, allowed: CoordinatorState[]): Promise<StateData> {
    const state = await this.#load(repos);
    const current = state.deployment ? CoordinatorState.AcceptingMarbles : CoordinatorState.AcceptingManifest;
    if (this.#recovery) throw wrongState(CoordinatorState.Recovery, allowed, name);
    if (!allowed.includes(current)) throw wrongState(current, allowed, name);
    return state;
  }

  #auditSigner(state: StateData): Promise<AuditSigner> {
    const jwk = JSON.stringify(state.audit.privateKeyJwk);
    if (this.#signer?.jwk !== jwk) this.#signer = { jwk, signer: createAuditSigner(state.audit.privateKeyJwk) };
    return this.#signer.signer;
  }

  /** The audit log as JSON lines, oldest first. */
  auditLog(): Promise<string> {
    return exportAuditLog(this.#store);
  }

  /** The audit public key (P-256 JWK) and the current head, for offline verification. Throws ERR_COORDINATOR_STATE in recovery. */
  async auditKey(): Promise<{ publicKeyJwk: JsonWebKey; head: AuditHead }> {
    const state = await this.read('reading the audit key');
    return { publicKeyJwk: state.audit.publicKeyJwk, head: await readAuditHead(this.#store) };
  }

  /** The recovery mode while in state 1; throws ERR_COORDINATOR_STATE otherwise. */
  recoveryMode(operation: string): RecoveryMode {
    if (!this.#recovery) throw wrongState(this.state, [CoordinatorState.Recovery], operation);
    return this.#recovery;
  }

  /**
   * Ends recovery with a rebuilt data key: opens the state with it, re-wraps it under the seal
   * provider, records the recovery in the audit log, and leaves recovery mode.
   */
  async completeRecovery(dataKey: Uint8Array, acceptedKeys: string[]): Promise<void> {
    const mode = this.recoveryMode('recovery');
    const cached = await this.#store.tx(async (repos) => {
      let state = decodeState<StateData>(await this.#sealed.completeRecovery(repos, dataKey));
      const moved = await moveInlineActivations(repos, this.#ledger, state);
      if (moved) await this.#sealed.save(repos, encodeState((state = moved)));
      await appendAudit(repos, { type: 'recovery.complete', actor: 'coordinator', details: { reason: mode.reason, keys: acceptedKeys } }, {
        signer: await this.#auditSigner(state),
        clock: this.ctx.clock,
      });
      return this.#pair(repos, state);
    });
    this.#cache = cached;
    this.#recovery = undefined;
  }

  /**
   * Starts over with a new state while in recovery (MarbleRun: "or set a new manifest"): the
   * unrecoverable state is replaced. `build` makes the new state from a fresh PKI and audit key.
   */
  async replaceInRecovery<T>(build: (fresh: StateData) => Promise<Change<T>>): Promise<Changed<T>> {
    this.recoveryMode('setting a new manifest');
    const fresh = await freshState(this.ctx.clock.now());
    const change = await build(fresh);
    const next = change.next ?? fresh;
    let recoverySecrets: Record<string, string> = {};
    const cached = await this.#store.tx(async (repos) => {
      recoverySecrets = (await this.#sealed.initialize(repos, encodeState(next), change.recovery ?? undefined)).recoveryShares;
      // The old deployment's marbles are not the new one's (and their records were sealed under the old data key).
      await this.#ledger.clear(repos);
      for (const event of change.audit ?? []) await appendAudit(repos, event, { signer: await this.#auditSigner(next), clock: this.ctx.clock });
      return this.#pair(repos, next);
    });
    this.#cache = cached;
    this.#recovery = undefined;
    return { result: change.result, recoverySecrets };
  }
  // ---- client API -------------------------------------------------------------------------

  /**
   * Sets the first manifest (accepting manifest; in recovery it replaces the unrecoverable state).
   * Returns the encrypted recovery shares. Throws ERR_MANIFEST_INVALID, ERR_RECOVERY_KEYS_INVALID,
   * ERR_COORDINATOR_STATE (a manifest is already set).
   */
  async setManifest(bytes: Uint8Array): Promise<Changed<{ fingerprint: string }>> {
    const now = this.ctx.clock.now();
    if (this.#recovery) return this.replaceInRecovery((fresh) => setManifestChange(fresh, bytes, now));
    // Checked before the secrets are generated, and again inside the transaction.
    if (this.state !== CoordinatorState.AcceptingManifest) throw wrongState(this.state, [CoordinatorState.AcceptingManifest], 'setting the manifest');
    checkManifest(bytes);
    return this.change('setting the manifest', [CoordinatorState.AcceptingManifest], (state) => setManifestChange(state, bytes, now));
  }

  /** The manifest as set, its fingerprint and the root's signature over it. Throws ERR_COORDINATOR_STATE. */
  async getManifest(): Promise<{ manifest: Uint8Array; fingerprint: string; signature: Uint8Array }> {
    const { state, deployment } = await this.readDeployment('reading the manifest');
    return { manifest: deployment.manifestBytes, fingerprint: deployment.fingerprint, signature: await signWithRoot(state, deployment.manifestBytes) };
  }

  /**
   * The coordinator's evidence over SHA-256(root certificate DER || nonce) and the chain
   * (intermediate, then root). In recovery the root is a throwaway one: the real one is sealed.
   */
  async quote(nonce?: Uint8Array): Promise<{ cert: string; quote: Uint8Array; tlsBinding?: TlsBinding }> {
    const recovering = this.#recovery !== undefined;
    const pki = await this.quotePki();
    const rootDer = pemDecode(pki.rootCert, 'CERTIFICATE')!;
    const reportData = new Uint8Array(64);
    reportData.set(await digest('SHA-256', nonce ? concatBytes(rootDer, nonce) : rootDer));
    const quote = this.ctx.quote ? await this.ctx.quote(reportData) : new Uint8Array(0);
    // In recovery the real root key is sealed: a throwaway root vouching for the listener would bind nothing worth pinning.
    const spki = this.#tlsSpkiSha256;
    if (spki === undefined || recovering) return { cert: pki.intermediateCert + pki.rootCert, quote };
    const key = await caSigningKey(pki.rootKey);
    const signed = utf8(tlsBindingMessage(spki, nonce ? toHex(nonce) : ''));
    const signature = p1363ToDer(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, key, signed as Uint8Array<ArrayBuffer>)));
    return { cert: pki.intermediateCert + pki.rootCert, quote, tlsBinding: { spkiSha256: spki, signature } };
  }

  /**
   * Names the TLS key of the listener that serves this coordinator (hex SHA-256 of the leaf's
   * SubjectPublicKeyInfo); quote() then signs it with the root. Throws ERR_VALIDATION for a non-hash.
   */
  bindTls(spkiSha256: string): void {
    if (!/^[0-9a-f]{64}$/.test(spkiSha256)) throw new ConfideError('ERR_VALIDATION', 'the TLS binding needs a lower-case hex SHA-256');
    this.#tlsSpkiSha256 = spkiSha256;
  }

  /**
   * Activates a marble (docs/activation.md): evidence, key and certificate outside the store
   * transaction, on the state read first; inside it, the checks that depend on what is stored
   * now and the record. The state itself is not written. Throws as verifyActivationEvidence,
   * prepareActivation and commitActivation.
   */
  async activate(request: ActivationRequest): Promise<ActivationResult> {
    const name = 'marble activation';
    const { state } = await this.readDeployment(name);
    const claims = await verifyActivationEvidence(state, request, this.ctx.evidence, this.ctx.clock);
    const now = this.ctx.clock.now();
    const prepared = await prepareActivation(state, request, claims, now, this.#ledger, this.#store);
    return this.#store.tx(async (repos) => {
      const current = await this.#current(repos, name, [CoordinatorState.AcceptingMarbles]);
      // The same object means the same stored state: anything else (a rotated intermediate, new
      // secrets, another manifest) and the answer is made again on the state in force.
      const ready = current === prepared.state ? prepared : await prepareActivation(current, request, claims, now, this.#ledger, repos);
      const { result, audit } = await commitActivation(repos, this.#ledger, ready, request, claims, now);
      await appendAudit(repos, audit, { signer: await this.#auditSigner(current), clock: this.ctx.clock });
      return result;
    });
  }

  /** The manifest user presenting `clientCertificate`. Throws ERR_UNAUTHENTICATED, ERR_COORDINATOR_STATE. */
  async authenticate(clientCertificate: Uint8Array | undefined): Promise<string> {
    const { deployment } = await this.readDeployment('user authentication');
    return authenticateUser(deployment.manifest, clientCertificate);
  }

  /** GET /secrets. Throws ERR_UNAUTHENTICATED, ERR_FORBIDDEN, ERR_NOT_FOUND, ERR_SECRET_INVALID. */
  async getSecrets(clientCertificate: Uint8Array | undefined, names: string[]): Promise<Record<string, SecretView>> {
    const { state, deployment } = await this.readDeployment('reading secrets');
    return readSecrets(state, authenticateUser(deployment.manifest, clientCertificate), names);
  }

  /** POST /secrets. Throws ERR_UNAUTHENTICATED, ERR_FORBIDDEN, ERR_NOT_FOUND, ERR_SECRET_INVALID. */
  async writeSecrets(clientCertificate: Uint8Array | undefined, uploads: Record<string, UserSecretUpload>): Promise<{ written: string[] }> {
    const now = this.ctx.clock.now();
    return (
      await this.change('writing secrets', [CoordinatorState.AcceptingMarbles], async (state) =>
        writeSecretsChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), uploads, now),
      )
    ).result;
  }

  /** POST /update: a package update, or a full update proposal. Throws ERR_UNAUTHENTICATED, ERR_FORBIDDEN, ERR_MANIFEST_INVALID, ERR_COORDINATOR_STATE. */
  async update(clientCertificate: Uint8Array | undefined, bytes: Uint8Array): Promise<Changed<UpdateProgress>> {
    const now = this.ctx.clock.now();
    return this.change('manifest update', [CoordinatorState.AcceptingMarbles], (state) =>
      updateChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), bytes, now),
    );
  }

  /** POST /update-manifest: acknowledges the pending update. Throws ERR_NOT_FOUND (none pending), ERR_VALIDATION (other bytes), as update. */
  async acknowledgeUpdate(clientCertificate: Uint8Array | undefined, bytes: Uint8Array): Promise<Changed<UpdateProgress>> {
    const now = this.ctx.clock.now();
    return this.change('acknowledging a manifest update', [CoordinatorState.AcceptingMarbles], (state) =>
      acknowledgeChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), bytes, now),
    );
  }

  /** POST /update-cancel. Throws ERR_NOT_FOUND, ERR_UNAUTHENTICATED, ERR_FORBIDDEN. */
  async cancelUpdate(clientCertificate: Uint8Array | undefined): Promise<{ cancelled: string }> {
    const now = this.ctx.clock.now();
    return (
      await this.change('cancelling a manifest update', [CoordinatorState.AcceptingMarbles], async (state) =>
        cancelChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), now),
      )
    ).result;
  }

  /** GET /update-manifest. Throws ERR_NOT_FOUND, ERR_COORDINATOR_STATE. */
  async pendingUpdate(): Promise<ReturnType<typeof pendingView>> {
    const { state } = await this.readDeployment('reading the pending update');
    return pendingView(state);
  }

  /** GET /update: MarbleRun's update log, one JSON object per entry. */
  async updateLog(): Promise<string[]> {
    const { deployment } = await this.readDeployment('reading the update log');
    return [...deployment.updateLog];
  }

  /**
   * POST /recover: one share; at the threshold the state opens and the coordinator accepts
   * marbles again. Returns the shares still needed. Throws ERR_COORDINATOR_STATE (not in
   * recovery, or nothing to recover with), ERR_RECOVERY_SHARE_INVALID, ERR_RECOVERY_SHARE_DUPLICATE.
   */
  async recover(secret: Uint8Array, keyName?: string): Promise<{ remaining: number }> {
    const mode = this.recoveryMode('recovery');
    const progress = await mode.submit(secret, keyName);
    if (progress.dataKey) await this.completeRecovery(progress.dataKey, mode.acceptedKeys);
    return { remaining: progress.remaining };
  }

  /** GET /recover/public-key: the ephemeral RSA key shares may be encrypted to. Throws ERR_COORDINATOR_STATE. */
  recoveryPublicKey(): Uint8Array {
    return this.recoveryMode('reading the recovery public key').publicKeySpki;
  }

  /**
   * POST /sign-quote (feature gate SignQuoteEndpoint): verifies evidence and signs
   * SHA-256(base64(evidence) || tcbStatus) with the root key, ASN.1 DER. Throws ERR_FORBIDDEN
   * (gate off), ERR_EVIDENCE_*, ERR_COLLATERAL_*.
   */
  async signQuote(evidence: Uint8Array): Promise<{ tcbStatus: string; verificationSignature: Uint8Array }> {
    const { state, deployment } = await this.readDeployment('signing a quote');
    if (!deployment.manifest.Config.FeatureGates.includes('SignQuoteEndpoint')) {
      throw new ConfideError('ERR_FORBIDDEN', 'the manifest does not enable the SignQuoteEndpoint feature', { details: { feature: 'SignQuoteEndpoint' } });
    }
    const { collateral, trustAnchors, simulationKeys } = this.ctx.evidence;
    const claims = await verifyEvidence(evidence, {}, {
      clock: this.ctx.clock,
      collateral,
      ...(trustAnchors ? { trustAnchors } : {}),
      ...(simulationKeys ? { simulationKeys: await simulationKeys() } : {}),
    });
    const signature = await signWithRoot(state, utf8(toBase64(evidence) + claims.tcbStatus));
    return { tcbStatus: claims.tcbStatus, verificationSignature: signature };
  }
}

/** A new root CA and audit key: the state before any manifest. */
async function freshState(now: Date): Promise<StateData> {
  const [pki, audit] = await Promise.all([createCoordinatorPki(now), generateAuditKeyPair()]);
  return { version: 1, pki, audit };
}
