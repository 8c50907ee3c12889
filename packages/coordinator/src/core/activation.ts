/**
 * Marble activation (docs/activation.md), in three steps so that the expensive work runs
 * outside the store transaction and activations overlap:
 *  1. verifyActivationEvidence: the evidence, bound to the client certificate's key (may fetch collateral);
 *  2. prepareActivation, on a snapshot of the state: package match, an early MaxActivations
 *     check, the marble key, its certificate, the per-marble secrets, the rendered parameters
 *     and the record of a first activation, sealed. Everything that can refuse the activation is
 *     decided when it returns; with commitWhileSigning, the intermediate's signature of the
 *     certificate may still run (templates/pending-certificate.ts), and the transaction commits
 *     beside it;
 *  3. commitActivation, inside the transaction: the record written by the repository's insert
 *     that enforces MaxActivations, which also tells a UUID seen before (then read, its type
 *     checked, and rewritten). The service prepares again inside the transaction when the state changed
 *     since the snapshot (a rotated intermediate, new secrets), so nothing signed under an
 *     intermediate that is no longer current is handed out.
 */
import { createHash } from 'node:crypto';
import { pemEncode, type ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Claims, TeeType } from '@confide/evidence';
import type { Repositories } from '@confide/store';
import type { AuditEvent } from '../audit/append.js';
import type { Marble, PackageProperties } from '../manifest/types.js';
import { generateMarbleKeyDer, startMarbleCertificate, type IssuedMarbleCertificate, type MarbleKeyDer } from '../pki/marble-cert.js';
import { startMarbleRunCertificate } from '../pki/marblerun-cert.js';
import { certificateSpki } from '../pki/spki.js';
import { generateMarbleSecrets } from '../secrets/generate.js';
import { maxActivationsReached, type ActivationLedger, type ActivationRecord, type KnownActivation, type SealedActivation } from './activation-ledger.js';
import { matchMarblePackage, renderMarbleParameters, renderMarbleParametersAhead } from './ports.js';
import type { RenderedParameters } from '../templates/render.js';
import type { EvidenceValidator } from '../validation/port.js';
import type { StateData } from './state.js';

export interface ActivationRequest {
  marbleType: string;
  uuid: string;
  /** The TEE the launcher says it runs in; must be the package's. */
  tee?: TeeType | undefined;
  evidence: Uint8Array;
  dnsNames?: string[] | undefined;
  /** DER of the TLS client certificate the request came with. */
  clientCertificate: Uint8Array | undefined;
  /**
   * What the report data binds: SHA-256 of the client certificate's SubjectPublicKeyInfo
   * ('spki', Confide's JSON route, the default) or of the whole certificate DER ('certificate',
   * MarbleRun's gRPC route: ertvalidator hashes `tlsCert.Raw`).
   */
  binding?: 'spki' | 'certificate' | undefined;
  /**
   * MarbleRun's flow: DER of the marble's PKCS#10 request. The certificate then takes the CSR's
   * subject and names and certifies a P-384 key the coordinator makes (pki/marblerun-cert.ts).
   */
  csr?: Uint8Array | undefined;
}

export interface ActivationResult {
  /** PEM: the marble leaf, then the coordinator intermediate. */
  certificate: string;
  /** PEM PKCS#8 of the key the coordinator generated for the certificate. */
  privateKey: string;
  /** PEM of the coordinator root. */
  rootCertificate: string;
  /** PEM of the Marble root (the intermediate's key, self-signed; new on every manifest update). */
  marbleRootCertificate: string;
  parameters: { files: Record<string, Uint8Array>; env: Record<string, Uint8Array>; argv: string[] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refused(message: string, details: Record<string, unknown>): ConfideError {
  return new CoordinatorError('ERR_ACTIVATION_REFUSED', message, { details });
}

function marbleOf(state: StateData, marbleType: string): { marble: Marble; pkg: PackageProperties } {
  const manifest = state.deployment!.manifest;
  const marble = Object.hasOwn(manifest.Marbles, marbleType) ? manifest.Marbles[marbleType] : undefined;
  if (!marble) throw refused(`the manifest has no marble ${JSON.stringify(marbleType)}`, { field: 'marbleType', marbleType });
  const pkg = Object.hasOwn(manifest.Packages, marble.Package) ? manifest.Packages[marble.Package] : undefined;
  if (!pkg) throw refused(`marble ${marbleType} names the missing package ${marble.Package}`, { field: 'Package', marbleType });
  return { marble, pkg };
}

/** The report data the evidence must carry: SHA-256 of the TLS client certificate's SPKI, or of the whole certificate (request.binding). */
function bindingOf(request: ActivationRequest): Uint8Array {
  const cert = request.clientCertificate;
  if (!cert) throw new CoordinatorError('ERR_UNAUTHENTICATED', 'activation needs the TLS client certificate whose key the evidence binds');
  // certificateSpki also checks the DER structure, so a certificate binding is to a certificate.
  const spki = certificateSpki(cert);
  return new Uint8Array(createHash('sha256').update(request.binding === 'certificate' ? cert : spki).digest());
}

/**
 * Checks the request's shape and verifies the evidence for the package's TEE, bound to the
 * client certificate's key. Throws ERR_VALIDATION, ERR_UNAUTHENTICATED (no client certificate),
 * ERR_ACTIVATION_REFUSED (unknown marble, TEE not the package's), ERR_EVIDENCE_* / ERR_COLLATERAL_*.
 */
export async function verifyActivationEvidence(state: StateData, request: ActivationRequest, validator: EvidenceValidator): Promise<Claims> {
  if (!UUID.test(request.uuid)) throw new CoordinatorError('ERR_VALIDATION', 'uuid is not a UUID', { details: { field: 'uuid' } });
  const { pkg } = marbleOf(state, request.marbleType);
  const tee = pkg.Tee ?? 'sgx';
  if (request.tee !== undefined && request.tee !== tee) {
    throw refused(`marble ${request.marbleType} runs in ${tee}, the request says ${request.tee}`, { field: 'tee', expected: tee, actual: request.tee });
  }
  const claims = await validator.validate(request.evidence, { tee, reportData: bindingOf(request) });
  // The port promises the TEE; a validator that answers another one is not trusted to have checked anything.
  if (claims.tee !== tee) throw refused(`the evidence is ${claims.tee}, package ${marbleOf(state, request.marbleType).marble.Package} needs ${tee}`, { field: 'tee', expected: tee, actual: claims.tee });
  return claims;
}

/** An activation worked out on one state, waiting for its transaction. */
export interface PreparedActivation {
  /** The state it was prepared on: valid only while that is still the state in force. */
  state: StateData;
  marble: Marble;
  /** The request's UUID, lower case. */
  uuid: string;
  /** Serial number (hex) of the issued certificate. */
  serial: string;
  /** The record to write when the UUID is still new at commit, sealed ahead (absent for a known UUID). */
  firstRecord: SealedActivation | undefined;
  /**
   * The answer, once the certificate is signed: nothing can refuse it any more (ERR_INTERNAL
   * only, an intermediate that fails to sign). Handed out after the transaction commits.
   */
  answer: Promise<ActivationResult>;
}

/**
 * The UUID's record, after checking that it may activate: a known UUID only as the type it
 * activated as before. Throws ERR_ACTIVATION_REFUSED, ERR_SEAL_UNSEAL_FAILED (an altered record).
 */
async function knownRecord(ledger: ActivationLedger, repos: Repositories, marbleType: string, uuid: string): Promise<KnownActivation | undefined> {
  const known = await ledger.find(repos, uuid);
  if (known && known.record.marbleType !== marbleType) {
    throw refused(`marble ${uuid} activated before as ${known.record.marbleType}, not ${marbleType}`, { field: 'uuid', marbleType: known.record.marbleType });
  }
  return known;
}

/**
 * MaxActivations checked early, while MarbleRun counts every activation, re-activations of a
 * UUID included (coordinator/core/marbleapi.go: verifyManifestRequirement refuses at
 * `activations >= MaxActivations`, Activate increments after each success): it spares a refused
 * marble its key and signature; the repository's insert or update enforces the limit. Throws
 * ERR_MAX_ACTIVATIONS.
 */
async function checkRoom(ledger: ActivationLedger, repos: Repositories, marbleType: string, marble: Marble): Promise<void> {
  if (marble.MaxActivations > 0 && (await ledger.count(repos, marbleType)) >= marble.MaxActivations) {
    throw maxActivationsReached(marbleType, marble.MaxActivations);
  }
}

/**
 * Everything an activation hands out, worked out on `state`: the package must match, and
 * MaxActivations is checked early (read through `repos`, so a refused marble costs no key and
 * no signature; commitActivation checks again). Throws ERR_ACTIVATION_REFUSED,
 * ERR_MAX_ACTIVATIONS, ERR_VALIDATION (a DNS name), ERR_SECRET_INVALID (a template needs an
 * unset user-defined secret), ERR_SEAL_UNSEAL_FAILED. `commitWhileSigning`: the answer may wait
 * for the certificate's signature, which the caller overlaps with its transaction.
 */
export async function prepareActivation(
  state: StateData,
  request: ActivationRequest,
  claims: Claims,
  now: Date,
  ledger: ActivationLedger,
  repos: Repositories,
  { commitWhileSigning }: { commitWhileSigning: boolean },
): Promise<PreparedActivation> {
  const deployment = state.deployment!;
  const { marble, pkg } = marbleOf(state, request.marbleType);
  matchMarblePackage(pkg, claims, marble.Package);
  const uuid = request.uuid.toLowerCase();
  await checkRoom(ledger, repos, request.marbleType, marble);

  const csr = request.csr;
  const started = generateMarbleKeyDer(csr ? 'P-384' : 'P-256').then(async (keys) => {
    const leaf = csr
      ? await startMarbleRunCertificate(state.pki, { uuid, marbleType: request.marbleType, csr, publicKeySpki: keys.publicKeySpki, now })
      : await startMarbleCertificate(state.pki, { uuid, marbleType: request.marbleType, dnsNames: request.dnsNames ?? [], publicKey: keys.publicKeySpki, now });
    const time = now.toISOString();
    // Sealed ahead for a new UUID, which most are: whether it is known is read at commit, where the insert tells.
    const first = await ledger.seal(uuid, { marbleType: request.marbleType, firstActivated: time, lastActivated: time, count: 1, serial: leaf.serial });
    return { keys, leaf, first };
  });
  const secrets = generateMarbleSecrets(deployment.manifest.Secrets, state.pki, { uuid, name: request.marbleType, disableSecretBinding: marble.DisableSecretBinding }, now);
  const [{ keys, leaf, first }, perMarble] = await Promise.all([started, secrets]);
  const render = { state, marbleType: request.marbleType, marble, uuid, keys, perMarble, now };
  // With commitWhileSigning, rendered before the intermediate's signature is done when the
  // templates only print the certificate: the transaction then commits while it is signed,
  // nothing able to refuse the answer left. Else rendered with the certificate, all before the
  // transaction.
  const ahead = commitWhileSigning ? renderMarbleParametersAhead(render) : undefined;
  let answer: Promise<ActivationResult>;
  if (ahead) {
    answer = leaf.issued.then((issued) => answerOf(state, keys, issued, ahead(issued)));
    // Awaited after the commit; a transaction that fails first leaves it unread.
    answer.catch(() => {});
  } else {
    const issued = await leaf.issued;
    answer = Promise.resolve(answerOf(state, keys, issued, await renderMarbleParameters({ ...render, certificate: issued })));
  }
  return { state, marble, uuid, serial: leaf.serial, firstRecord: first, answer };
}

function answerOf(state: StateData, keys: MarbleKeyDer, issued: IssuedMarbleCertificate, parameters: RenderedParameters): ActivationResult {
  return {
    certificate: issued.chainPem,
    privateKey: pemEncode('PRIVATE KEY', keys.privateKeyPkcs8),
    rootCertificate: state.pki.rootCert,
    marbleRootCertificate: state.pki.marbleRootCert,
    parameters,
  };
}

/**
 * Admits a prepared activation inside the store transaction, `prepared.state` being the state
 * in force: the UUID's type is checked again on what is stored now, then the record is written,
 * a new UUID through the repository's MaxActivations-checked insert, a known one through its
 * MaxActivations-checked rewrite over the revision just read (both count, as MarbleRun's). Returns the answer and the audit event to append. Throws
 * ERR_ACTIVATION_REFUSED, ERR_MAX_ACTIVATIONS, ERR_STORE_CONFLICT, ERR_SEAL_UNSEAL_FAILED.
 */
export async function commitActivation(
  repos: Repositories,
  ledger: ActivationLedger,
  prepared: PreparedActivation,
  request: ActivationRequest,
  claims: Claims,
  now: Date,
): Promise<{ result: Promise<ActivationResult>; audit: AuditEvent }> {
  const { marble, uuid } = prepared;
  // The common case, a new UUID, in one statement: the insert itself tells a UUID recorded meanwhile or before.
  let known: KnownActivation | undefined;
  if (!(prepared.firstRecord && (await ledger.tryAdmitNew(repos, prepared.firstRecord, marble.MaxActivations)))) {
    known = await knownRecord(ledger, repos, request.marbleType, uuid);
    const time = now.toISOString();
    if (known) {
      const record: ActivationRecord = { ...known.record, lastActivated: time, count: known.record.count + 1, serial: prepared.serial };
      await ledger.rewrite(repos, await ledger.seal(uuid, record), known.revision, marble.MaxActivations);
    } else {
      const record: ActivationRecord = { marbleType: request.marbleType, firstActivated: time, lastActivated: time, count: 1, serial: prepared.serial };
      await ledger.admitNew(repos, await ledger.seal(uuid, record), marble.MaxActivations);
    }
  }
  return { result: prepared.answer, audit: activationEvent(prepared, request, claims, known !== undefined) };
}

/**
 * commitActivation for the common case, without waiting for the store: the UUID is new and its
 * type has room, so the record sealed ahead goes in (the repository's MaxActivations-checked
 * insert) and the audit entry says so. When that does not hold the transaction fails with
 * ERR_STORE_CONFLICT (details.reason "expectation"), at the latest at its commit, and the caller
 * runs commitActivation, which tells a known UUID from a full type. Needs `prepared.firstRecord`.
 */
export async function commitNewActivation(
  repos: Repositories,
  ledger: ActivationLedger,
  prepared: PreparedActivation & { firstRecord: SealedActivation },
  request: ActivationRequest,
  claims: Claims,
): Promise<{ result: Promise<ActivationResult>; audit: AuditEvent }> {
  await ledger.admitExpected(repos, prepared.firstRecord, prepared.marble.MaxActivations);
  return { result: prepared.answer, audit: activationEvent(prepared, request, claims, false) };
}

function activationEvent(prepared: PreparedActivation, request: ActivationRequest, claims: Claims, reactivation: boolean): AuditEvent {
  return {
    type: 'marble.activate',
    actor: prepared.uuid,
    details: { marbleType: request.marbleType, package: prepared.marble.Package, tee: claims.tee, measurement: claims.measurement, reactivation },
  };
}
