/**
 * The client API the server's routes call (MarbleRun's clientapi): status, manifest, quote,
 * activation, secrets, updates, recovery, sign-quote and the audit log. Each method decodes
 * nothing and knows no HTTP: it checks who asks, then runs one operation of the lifecycle
 * (core/lifecycle.ts), whose state machine decides whether the operation is allowed now.
 */
import { pemEncode, toBase64, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { AuditHead } from '../audit/append.js';
import type { Violation } from '../manifest/violation.js';
import { commitActivation, commitNewActivation, prepareActivation, verifyActivationEvidence, type ActivationRequest, type ActivationResult } from '../core/activation.js';
import { CoordinatorLifecycle, type Changed, type LifecycleOptions, type StartOutcome } from '../core/lifecycle.js';
import { setManifestChange, signWithRoot } from '../core/manifest-ops.js';
import { checkManifestWithWarnings, isPackageUpdateBytes } from '../core/ports.js';
import { readSecrets, writeSecretsChange, type SecretView } from '../core/secrets-api.js';
import { counterCaller, setCounterChange } from '../core/counter-api.js';
import type { MarbleIdentity } from '../pki/verify-marble.js';
import { assertAllowed, OPERATIONS, wrongState } from '../core/state-machine.js';
import { CoordinatorState, STATE_MESSAGES } from '../core/status.js';
import { acknowledgeChange, cancelChange, pendingView, updateChange, type UpdateProgress } from '../core/updates.js';
import { authenticateUser } from '../core/users.js';
import type { UserSecretUpload } from '../secrets/user-secret.js';
import { createEvidenceValidator, type EvidenceSettings } from '../validation/evidence-validator.js';
import { hasFeature } from '../manifest/feature-gates.js';
import type { EvidenceValidator } from '../validation/port.js';
import { manifestAuthority, type ManifestAuthority } from './manifest-authority.js';
import { refuseSimulatedPackages } from './production-policy.js';
import { checkTlsSpki, makeQuote, type TlsBinding } from './quote.js';
import { verifyRecoverySignatures } from '../recovery/signature.js';
import type { StateData } from '../core/state.js';

export interface CoordinatorOptions extends LifecycleOptions {
  /** Settings of the evidence validator the server runs; ignored when `validator` is given. */
  evidence: EvidenceSettings;
  /** Replaces the evidence validator (tests: a mock or an always-failing one). */
  validator?: EvidenceValidator | undefined;
  /**
   * The coordinator's own evidence over 64 bytes of report data (simulated in dev mode, the
   * TEE's in production). Absent, /quote answers an empty quote, as MarbleRun does in simulation.
   */
  quote?: ((reportData: Uint8Array) => Promise<Uint8Array>) | undefined;
  /**
   * 'production' refuses manifests with simulated packages and leaves starting over in recovery
   * to the operator (`startOver`); 'dev' (the default) follows MarbleRun: a manifest set in
   * recovery discards the sealed state.
   */
  mode?: 'dev' | 'production' | undefined;
  /** PEM certificate or public key whose holder alone may set the first manifest (its TLS client certificate). */
  firstManifestKey?: string | undefined;
}

export interface StatusResult {
  code: CoordinatorState;
  message: string;
}

/** A manifest accepted, with the warnings its check found. */
export interface ManifestAccepted {
  fingerprint: string;
  warnings: Violation[];
}

export class CoordinatorService {
  readonly lifecycle: CoordinatorLifecycle;
  readonly #validator: EvidenceValidator;
  readonly #evidence: ((reportData: Uint8Array) => Promise<Uint8Array>) | undefined;
  readonly #production: boolean;
  readonly #authority: ManifestAuthority | undefined;
  #tlsSpkiSha256: string | undefined;
  /** Activations in progress in this process. */
  #activating = 0;

  private constructor(lifecycle: CoordinatorLifecycle, options: CoordinatorOptions, authority: ManifestAuthority | undefined) {
    this.lifecycle = lifecycle;
    this.#validator = options.validator ?? createEvidenceValidator(options.evidence, lifecycle.clock);
    this.#evidence = options.quote;
    this.#production = options.mode === 'production';
    this.#authority = authority;
  }

  /**
   * Starts the coordinator (CoordinatorLifecycle.start). Throws ERR_CONFIG_INVALID (firstManifestKey),
   * ERR_SEAL_UNSEAL_FAILED, ERR_STORE_UNAVAILABLE.
   */
  static async start(options: CoordinatorOptions): Promise<CoordinatorService> {
    const authority = options.firstManifestKey !== undefined ? manifestAuthority(options.firstManifestKey) : undefined;
    return new CoordinatorService(await CoordinatorLifecycle.start(options), options, authority);
  }

  /** The current state number. */
  get state(): CoordinatorState {
    return this.lifecycle.state;
  }

  /** What the start found (created, opened, recovery, started-over). */
  get startOutcome(): StartOutcome {
    return this.lifecycle.outcome;
  }

  /** MarbleRun's status: code and message, of the state as stored now (another replica may have changed it). */
  async status(): Promise<StatusResult> {
    const code = await this.lifecycle.currentState();
    return { code, message: STATE_MESSAGES[code] };
  }

  /**
   * Parses and checks a manifest as this coordinator's mode requires. Throws ERR_MANIFEST_INVALID
   * (every violation and warning in details), ERR_PRODUCTION_REFUSED (simulated packages in production).
   */
  #checkManifest(bytes: Uint8Array): Violation[] {
    const { manifest, warnings } = checkManifestWithWarnings(bytes);
    if (this.#production) refuseSimulatedPackages(manifest);
    return warnings;
  }

  /**
   * Sets the first manifest (accepting manifest; in dev mode also in recovery, where it replaces
   * the unrecoverable state). Returns the encrypted recovery shares. Throws ERR_UNAUTHENTICATED
   * (not the operator-named key), ERR_MANIFEST_INVALID, ERR_PRODUCTION_REFUSED, ERR_RECOVERY_KEYS_INVALID,
   * ERR_COORDINATOR_STATE (a manifest is already set; in production, recovery).
   */
  async setManifest(bytes: Uint8Array, clientCertificate?: Uint8Array): Promise<Changed<ManifestAccepted>> {
    const now = this.lifecycle.clock.now();
    if (this.state === CoordinatorState.Recovery) {
      // Production: discarding the sealed state is the operator's decision (startOver at start), not a caller's.
      if (this.#production) {
        throw wrongState(CoordinatorState.Recovery, OPERATIONS.setManifest.allowed, OPERATIONS.setManifest.name, {
          hint: "in production, discarding the sealed state is the operator's decision: recover with the shares, or restart with coordinator.startOver",
        });
      }
      this.#authority?.check(clientCertificate);
      const warnings = this.#checkManifest(bytes);
      const out = await this.lifecycle.startOver('manifest', (fresh) => setManifestChange(fresh, bytes, now));
      return { ...out, result: { ...out.result, warnings } };
    }
    // Checked before the secrets are generated, and again inside the transaction.
    assertAllowed('setManifest', this.state);
    this.#authority?.check(clientCertificate);
    const warnings = this.#checkManifest(bytes);
    const out = await this.lifecycle.change('setManifest', (state) => setManifestChange(state, bytes, now));
    return { ...out, result: { ...out.result, warnings } };
  }

  /** The manifest as set, its fingerprint and the root's signature over it. Throws ERR_COORDINATOR_STATE. */
  async getManifest(): Promise<{ manifest: Uint8Array; fingerprint: string; signature: Uint8Array }> {
    const { state, deployment } = await this.lifecycle.readDeployment('readManifest');
    return { manifest: deployment.manifestBytes, fingerprint: deployment.fingerprint, signature: await signWithRoot(state, deployment.manifestBytes) };
  }

  /**
   * The coordinator's evidence over SHA-256(root certificate DER || nonce), the chain
   * (intermediate, then root) and the TLS binding. In recovery the root is a throwaway one: the
   * real one is sealed, so it binds no TLS key.
   */
  async quote(nonce?: Uint8Array): Promise<{ cert: string; quote: Uint8Array; tlsBinding?: TlsBinding }> {
    const recovering = this.state === CoordinatorState.Recovery;
    const pki = await this.lifecycle.quotePki();
    return makeQuote({ pki, nonce, evidence: this.#evidence, tlsSpkiSha256: recovering ? undefined : this.#tlsSpkiSha256 });
  }

  /**
   * The root certificate (PEM) and its private key (PEM PKCS#8) in force now, as MarbleRun's
   * client API presents them (core.go GetTLSRootCertificate); in recovery the throwaway root the
   * quote names. Secret: for the TLS listener only, never logged.
   */
  tlsRootIdentity(): { certPem: string; keyPem: string } {
    const root = this.lifecycle.currentRoot;
    if (!root) throw new CoordinatorError('ERR_INTERNAL', 'the coordinator has no root yet');
    return { certPem: root.cert, keyPem: pemEncode('PRIVATE KEY', root.key) };
  }

  /**
   * Names the TLS key of the listener that serves this coordinator (hex SHA-256 of the leaf's
   * SubjectPublicKeyInfo); quote() then signs it with the root. Throws ERR_VALIDATION for a non-hash.
   */
  bindTls(spkiSha256: string): void {
    this.#tlsSpkiSha256 = checkTlsSpki(spkiSha256);
  }

  /**
   * Activates a marble (docs/activation.md): evidence, key and certificate outside the store
   * transaction, on the state as this process knows it (no store read); inside it, the checks
   * that depend on what is stored now and the record, and everything again when the stored state
   * is not the one the answer was made on. A refusal made on the known state is judged again on
   * the stored one, which another replica may have changed. The state itself is not written.
   * A new UUID is first tried in a transaction that expects the state's version and room for the
   * UUID without reading either (lifecycle.changeIfAt: two round trips on PostgreSQL, not three); when either
   * expectation fails, nothing of it stays and the transaction that reads them runs. An activation
   * alone in this process commits while the intermediate signs its certificate (prepareActivation's
   * commitWhileSigning); the answer goes out once both are done.
   * Throws as verifyActivationEvidence, prepareActivation and commitActivation.
   */
  async activate(request: ActivationRequest): Promise<ActivationResult> {
    this.#activating++;
    try {
      return await this.#activate(request);
    } finally {
      this.#activating--;
    }
  }

  async #activate(request: ActivationRequest): Promise<ActivationResult> {
    const { lifecycle } = this;
    const now = lifecycle.clock.now();
    // Alone, the commit hides behind the signature; with others in flight, their commits and
    // signatures overlap each other already, and overlapping each one's own measured slower
    // (docs/activation.md).
    const alone = () => ({ commitWhileSigning: this.#activating === 1 });
    const prepare = async (state: StateData) => {
      const claims = await verifyActivationEvidence(state, request, this.#validator);
      return { claims, prepared: await prepareActivation(state, request, claims, now, lifecycle.ledger, lifecycle.store, alone()) };
    };
    const known = await lifecycle.knownDeployment('activate');
    let { version } = known;
    let made: Awaited<ReturnType<typeof prepare>>;
    try {
      made = await prepare(known.state);
    } catch (err) {
      if (!known.known) throw err;
      const stored = await lifecycle.readDeployment('activate');
      if (stored.version === version) throw err;
      version = stored.version;
      made = await prepare(stored.state);
    }
    const { claims, prepared } = made;
    // The common case, a new UUID on the state it was prepared on, without reading first; anything else the way below.
    const { firstRecord } = prepared;
    if (firstRecord) {
      const fast = await lifecycle.changeIfAt('activate', { version, state: prepared.state }, async (repos) => {
        const { result, audit } = await commitNewActivation(repos, lifecycle.ledger, { ...prepared, firstRecord }, request, claims);
        return { result, audit: [audit] };
      });
      // The answer is made when the certificate is signed, which ran beside the commit.
      if (fast) return await fast.result;
    }
    const out = await lifecycle.change('activate', async (current, repos, currentVersion) => {
      // The same version means the same stored state: anything else (a rotated intermediate, new
      // secrets, another manifest) and the answer is made again on the state in force.
      const ready = currentVersion === version ? prepared : await prepareActivation(current, request, claims, now, lifecycle.ledger, repos, alone());
      const { result, audit } = await commitActivation(repos, lifecycle.ledger, ready, request, claims, now);
      return { result, audit: [audit] };
    });
    return await out.result;
  }

  /**
   * The TLS identity of the marble API listener, as MarbleRun's (core.GetTLSMarbleRootCertificate):
   * the Marble root certificate (PEM) with the intermediate's key (PKCS#8), both new on every
   * manifest update. Secret: never log it. Throws ERR_COORDINATOR_STATE (recovery).
   */
  async meshIdentity(): Promise<{ certificate: string; privateKey: Uint8Array }> {
    const { pki } = await this.lifecycle.read('meshIdentity');
    return { certificate: pki.marbleRootCert, privateKey: pki.intermediateKey };
  }

  /** The manifest user presenting `clientCertificate`. Throws ERR_UNAUTHENTICATED, ERR_COORDINATOR_STATE. */
  async authenticate(clientCertificate: Uint8Array | undefined): Promise<string> {
    const { deployment } = await this.lifecycle.readDeployment('authenticate');
    return authenticateUser(deployment.manifest, clientCertificate);
  }

  /** GET /secrets. Throws ERR_UNAUTHENTICATED, ERR_FORBIDDEN, ERR_NOT_FOUND, ERR_SECRET_INVALID. */
  async getSecrets(clientCertificate: Uint8Array | undefined, names: string[]): Promise<Record<string, SecretView>> {
    const { state, deployment } = await this.lifecycle.readDeployment('readSecrets');
    return readSecrets(state, authenticateUser(deployment.manifest, clientCertificate), names);
  }

  /** POST /secrets. Throws ERR_UNAUTHENTICATED, ERR_FORBIDDEN, ERR_NOT_FOUND, ERR_SECRET_INVALID. */
  async writeSecrets(clientCertificate: Uint8Array | undefined, uploads: Record<string, UserSecretUpload>): Promise<{ written: string[] }> {
    const now = this.lifecycle.clock.now();
    const out = await this.lifecycle.change('writeSecrets', async (state) => writeSecretsChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), uploads, now));
    return out.result;
  }

  /**
   * POST /update: a package update, or a full update proposal. Throws ERR_UNAUTHENTICATED,
   * ERR_FORBIDDEN, ERR_MANIFEST_INVALID, ERR_PRODUCTION_REFUSED, ERR_COORDINATOR_STATE.
   */
  async update(clientCertificate: Uint8Array | undefined, bytes: Uint8Array): Promise<Changed<UpdateProgress & { warnings: Violation[] }>> {
    const now = this.lifecycle.clock.now();
    const warnings = isPackageUpdateBytes(bytes) ? [] : this.#checkManifest(bytes);
    const out = await this.lifecycle.change('update', (state) => updateChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), bytes, now));
    return { ...out, result: { ...out.result, warnings } };
  }

  /** POST /update-manifest: acknowledges the pending update. Throws ERR_NOT_FOUND (none pending), ERR_VALIDATION (other bytes), as update. */
  async acknowledgeUpdate(clientCertificate: Uint8Array | undefined, bytes: Uint8Array): Promise<Changed<UpdateProgress>> {
    const now = this.lifecycle.clock.now();
    return this.lifecycle.change('acknowledgeUpdate', (state) => acknowledgeChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), bytes, now));
  }

  /** POST /update-cancel. Throws ERR_NOT_FOUND, ERR_UNAUTHENTICATED, ERR_FORBIDDEN. */
  async cancelUpdate(clientCertificate: Uint8Array | undefined): Promise<{ cancelled: string }> {
    const now = this.lifecycle.clock.now();
    const out = await this.lifecycle.change('cancelUpdate', async (state) => cancelChange(state, authenticateUser(state.deployment!.manifest, clientCertificate), now));
    return out.result;
  }

  /** GET /update-manifest. Throws ERR_NOT_FOUND, ERR_COORDINATOR_STATE. */
  async pendingUpdate(): Promise<ReturnType<typeof pendingView>> {
    const { state } = await this.lifecycle.readDeployment('readPendingUpdate');
    return pendingView(state);
  }

  /** GET /update: MarbleRun's update log, one JSON object per entry. */
  async updateLog(): Promise<string[]> {
    const { deployment } = await this.lifecycle.readDeployment('readUpdateLog');
    return [...deployment.updateLog];
  }

  /**
   * POST /recover: one share; at the threshold the state opens and the coordinator accepts
   * marbles again. Returns the shares still needed. Throws ERR_COORDINATOR_STATE (not in
   * recovery, or nothing to recover with), ERR_RECOVERY_SHARE_INVALID, ERR_RECOVERY_SHARE_DUPLICATE,
   * ERR_RECOVERY_SIGNATURE_INVALID (no signature: this share is refused; a signature that does not
   * verify under the manifest's key once the state opens: every share is forgotten).
   */
  async recover(secret: Uint8Array, keyName?: string, signature?: Uint8Array): Promise<{ remaining: number }> {
    const mode = this.lifecycle.recoveryMode('recover');
    const progress = await mode.submit(secret, keyName, signature);
    if (progress.dataKey) {
      const check = (state: StateData) => {
        try {
          verifyRecoverySignatures(state.deployment?.manifest.RecoveryKeys ?? {}, mode.signedShares);
        } catch (err) {
          // The data key was rebuilt from these shares; none of them may count towards another attempt.
          mode.restart();
          throw err;
        }
      };
      await this.lifecycle.completeRecovery(progress.dataKey, mode.acceptedKeys, check);
      mode.restart();
    }
    return { remaining: progress.remaining };
  }

  /** GET /recover/public-key: the ephemeral RSA key shares may be encrypted to. Throws ERR_COORDINATOR_STATE. */
  recoveryPublicKey(): Uint8Array {
    return this.lifecycle.recoveryMode('readRecoveryKey').publicKeySpki;
  }

  /**
   * POST /sign-quote (feature gate SignQuoteEndpoint): verifies evidence and signs
   * SHA-256(base64(evidence) || tcbStatus) with the root key, ASN.1 DER. Throws ERR_FORBIDDEN
   * (gate off), ERR_EVIDENCE_*, ERR_COLLATERAL_*.
   */
  async signQuote(evidence: Uint8Array): Promise<{ tcbStatus: string; verificationSignature: Uint8Array }> {
    const { state, deployment } = await this.lifecycle.readDeployment('signQuote');
    if (!hasFeature(deployment.manifest.Config, 'SignQuoteEndpoint')) {
      throw new CoordinatorError('ERR_FORBIDDEN', 'the manifest does not enable the SignQuoteEndpoint feature', { details: { feature: 'SignQuoteEndpoint' } });
    }
    const claims = await this.#validator.validate(evidence, {});
    const signature = await signWithRoot(state, utf8(toBase64(evidence) + claims.tcbStatus));
    return { tcbStatus: claims.tcbStatus, verificationSignature: signature };
  }

  /**
   * MarbleRun's monotonic counter, first half: the marble presenting `clientCertificate` (its
   * certificate verifies under the Marble root in force and names a UUID and a type), once the
   * manifest enables MonotonicCounter. Throws ERR_COORDINATOR_STATE, ERR_FORBIDDEN, ERR_UNAUTHENTICATED.
   */
  async monotonicCounterCaller(clientCertificate: Uint8Array | undefined): Promise<MarbleIdentity> {
    const { state } = await this.lifecycle.readDeployment('monotonicCounter');
    return counterCaller(state, clientCertificate, this.lifecycle.clock.now());
  }

  /**
   * Sets `caller`'s counter `name` to `value` (a uint64) if that is higher; returns the value
   * before, 0 for a new counter (clientapi.go SetMonotonicCounter). Throws ERR_COORDINATOR_STATE,
   * ERR_VALIDATION, ERR_SEAL_UNSEAL_FAILED.
   */
  async setMonotonicCounter(caller: MarbleIdentity, name: string, value: bigint): Promise<bigint> {
    const { lifecycle } = this;
    const out = await lifecycle.change('monotonicCounter', (_state, repos) => setCounterChange(lifecycle.counters, repos, caller, name, value));
    return out.result;
  }

  /** The audit log after seq `afterSeq` (default 0: all of it) as JSON lines, oldest first. */
  auditLog(afterSeq = 0): Promise<string> {
    return this.lifecycle.auditLog(afterSeq);
  }

  /** The audit public key (P-256 JWK) and the current head, for offline verification. Throws ERR_COORDINATOR_STATE in recovery. */
  auditKey(): Promise<{ publicKeyJwk: JsonWebKey; head: AuditHead }> {
    return this.lifecycle.auditKey();
  }
}
