/**
 * Marble activation (docs/activation.md). The evidence is verified first, outside the store
 * transaction (it may fetch collateral); everything that depends on the state (the manifest in
 * force, MaxActivations, the intermediate that signs, the recorded UUIDs) is decided inside it.
 */
import { ConfideError, digest, type Clock } from '@confide/core';
import { verifyEvidence, type Claims, type TeeType, type VerifyContext } from '@confide/evidence';
import type { Marble, PackageProperties } from '../manifest/types.js';
import { generateMarbleKeyPair, issueMarbleCertificate } from '../pki/marble-cert.js';
import { pemEncode } from '../pki/pem.js';
import { x509 } from '../pki/x509.js';
import { generateMarbleSecrets } from '../secrets/generate.js';
import type { Change } from './change.js';
import { matchMarblePackage, renderMarbleParameters } from './ports.js';
import type { EvidenceSettings } from './service.js';
import type { ActivationRecord, StateData } from './state.js';

export interface ActivationRequest {
  marbleType: string;
  uuid: string;
  /** The TEE the launcher says it runs in; must be the package's. */
  tee?: TeeType | undefined;
  evidence: Uint8Array;
  dnsNames?: string[] | undefined;
  /** DER of the TLS client certificate the request came with. */
  clientCertificate: Uint8Array | undefined;
}

export interface ActivationResult {
  /** PEM: the marble leaf, then the coordinator intermediate. */
  certificate: string;
  /** PEM PKCS#8 of the key the coordinator generated for the certificate. */
  privateKey: string;
  /** PEM of the coordinator root. */
  rootCertificate: string;
  parameters: { files: Record<string, Uint8Array>; env: Record<string, Uint8Array>; argv: string[] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refused(message: string, details: Record<string, unknown>): ConfideError {
  return new ConfideError('ERR_ACTIVATION_REFUSED', message, { details });
}

function marbleOf(state: StateData, marbleType: string): { marble: Marble; pkg: PackageProperties } {
  const manifest = state.deployment!.manifest;
  const marble = Object.hasOwn(manifest.Marbles, marbleType) ? manifest.Marbles[marbleType] : undefined;
  if (!marble) throw refused(`the manifest has no marble ${JSON.stringify(marbleType)}`, { field: 'marbleType', marbleType });
  const pkg = Object.hasOwn(manifest.Packages, marble.Package) ? manifest.Packages[marble.Package] : undefined;
  if (!pkg) throw refused(`marble ${marbleType} names the missing package ${marble.Package}`, { field: 'Package', marbleType });
  return { marble, pkg };
}

/** SHA-256 of the SubjectPublicKeyInfo of the TLS client certificate: the report data the evidence must carry. */
async function bindingOf(clientCertificate: Uint8Array | undefined): Promise<Uint8Array> {
  if (!clientCertificate) throw new ConfideError('ERR_UNAUTHENTICATED', 'activation needs the TLS client certificate whose key the evidence binds');
  let spki: Uint8Array;
  try {
    spki = new Uint8Array(new x509.X509Certificate(clientCertificate as Uint8Array<ArrayBuffer>).publicKey.rawData);
  } catch (err) {
    throw new ConfideError('ERR_VALIDATION', 'the TLS client certificate cannot be parsed', { cause: err });
  }
  return digest('SHA-256', spki);
}

/**
 * Checks the request's shape and verifies the evidence for the package's TEE, bound to the
 * client certificate's key. Throws ERR_VALIDATION, ERR_UNAUTHENTICATED (no client certificate),
 * ERR_ACTIVATION_REFUSED (unknown marble, TEE not the package's), ERR_EVIDENCE_* / ERR_COLLATERAL_*.
 */
export async function verifyActivationEvidence(state: StateData, request: ActivationRequest, settings: EvidenceSettings, clock: Clock): Promise<Claims> {
  if (!UUID.test(request.uuid)) throw new ConfideError('ERR_VALIDATION', 'uuid is not a UUID', { details: { field: 'uuid' } });
  const { pkg } = marbleOf(state, request.marbleType);
  const tee = pkg.Tee ?? 'sgx';
  if (request.tee !== undefined && request.tee !== tee) {
    throw refused(`marble ${request.marbleType} runs in ${tee}, the request says ${request.tee}`, { field: 'tee', expected: tee, actual: request.tee });
  }
  const binding = await bindingOf(request.clientCertificate);
  const ctx: VerifyContext = { clock, collateral: settings.collateral, expectedReportData: binding };
  if (settings.trustAnchors) ctx.trustAnchors = settings.trustAnchors;
  if (tee === 'sim' && settings.simulationKeys) ctx.simulationKeys = await settings.simulationKeys();
  return verifyEvidence(request.evidence, { tee }, ctx);
}

function countOthers(activations: Record<string, ActivationRecord>, marbleType: string, uuid: string): number {
  return Object.entries(activations).filter(([id, r]) => r.marbleType === marbleType && id !== uuid).length;
}

/**
 * The change that activates a marble whose evidence verified to `claims`: the package must
 * match, MaxActivations must allow a new UUID (a known UUID re-activates without counting), and
 * the answer carries a fresh certificate and the rendered parameters. Throws
 * ERR_ACTIVATION_REFUSED, ERR_MAX_ACTIVATIONS, ERR_SECRET_INVALID (a template needs an unset
 * user-defined secret).
 */
export async function activationChange(state: StateData, request: ActivationRequest, claims: Claims, now: Date): Promise<Change<ActivationResult>> {
  const deployment = state.deployment!;
  const { marble, pkg } = marbleOf(state, request.marbleType);
  matchMarblePackage(pkg, claims, marble.Package);
  const uuid = request.uuid.toLowerCase();
  const known = Object.hasOwn(deployment.activations, uuid) ? deployment.activations[uuid] : undefined;
  if (known && known.marbleType !== request.marbleType) {
    throw refused(`marble ${uuid} activated before as ${known.marbleType}, not ${request.marbleType}`, { field: 'uuid', marbleType: known.marbleType });
  }
  if (!known && marble.MaxActivations > 0 && countOthers(deployment.activations, request.marbleType, uuid) >= marble.MaxActivations) {
    throw new ConfideError('ERR_MAX_ACTIVATIONS', `marble ${request.marbleType} has reached MaxActivations (${marble.MaxActivations})`, {
      details: { marbleType: request.marbleType, maxActivations: marble.MaxActivations },
    });
  }

  const keys = await generateMarbleKeyPair();
  const issued = await issueMarbleCertificate(state.pki, { uuid, dnsNames: request.dnsNames ?? [], publicKey: keys.publicKeySpki, now });
  const perMarble = await generateMarbleSecrets(deployment.manifest.Secrets, state.pki, { uuid, name: request.marbleType, disableSecretBinding: marble.DisableSecretBinding }, now);
  const parameters = await renderMarbleParameters({ state, marbleType: request.marbleType, marble, uuid, keys, certificate: issued.cert, perMarble, now });

  const time = now.toISOString();
  const record: ActivationRecord = known
    ? { ...known, lastActivated: time, count: known.count + 1 }
    : { marbleType: request.marbleType, firstActivated: time, lastActivated: time, count: 1 };
  return {
    next: { ...state, deployment: { ...deployment, activations: { ...deployment.activations, [uuid]: record } } },
    result: {
      certificate: issued.chainPem,
      privateKey: pemEncode('PRIVATE KEY', keys.privateKeyPkcs8),
      rootCertificate: state.pki.rootCert,
      parameters,
    },
    audit: [
      {
        type: 'marble.activate',
        actor: uuid,
        details: { marbleType: request.marbleType, package: marble.Package, tee: claims.tee, measurement: claims.measurement, reactivation: known !== undefined },
      },
    ],
  };
}

