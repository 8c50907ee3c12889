/**
 * The manifest-model and template calls the core makes, in one place: the modules beside the
 * core own the rules; the core only asks.
 */
import { isConfideError, type ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import type { Claims } from '@confide/evidence';
import { matchPackage } from '../manifest/match-package.js';
import { applyPackageUpdate, isPackageUpdate } from '../manifest/package-update.js';
import { readManifest } from '../manifest/parse.js';
import type { Manifest, Marble, PackageProperties } from '../manifest/types.js';
import { assertValidManifest } from '../manifest/validate.js';
import type { Violation } from '../manifest/violation.js';
import type { IssuedMarbleCertificate, MarbleKeyDer } from '../pki/marble-cert.js';
import type { SecretsWithPrevious } from '../secrets/generate.js';
import type { SecretMap, SecretValue } from '../secrets/types.js';
import { renderParameters, renderParametersAhead, type RenderedParameters } from '../templates/render.js';
import { PendingCertificate } from '../templates/pending-certificate.js';
import { templateContext } from '../templates/context.js';
import { dryRunTemplates } from '../templates/dry-run.js';
import { marbleRunEnv } from './marble-env.js';
import type { StateData } from './state.js';

/** Parses and validates manifest bytes. Throws ERR_MANIFEST_INVALID with every violation and warning in details. */
export function checkManifest(bytes: Uint8Array): Manifest {
  return checkManifestWithWarnings(bytes).manifest;
}

/** checkManifest, also returning the warnings of an accepted manifest (clients show them). */
export function checkManifestWithWarnings(bytes: Uint8Array): { manifest: Manifest; warnings: Violation[] } {
  const checked = assertValidManifest(bytes);
  dryRunTemplates(checked.manifest);
  return checked;
}

/** Throws ERR_ACTIVATION_REFUSED (details: package, failed checks, reasons) unless `claims` satisfy the package. */
export function matchMarblePackage(pkg: PackageProperties, claims: Claims, pkgName: string): void {
  const match = matchPackage(pkg, claims);
  if (match.ok) return;
  throw new CoordinatorError('ERR_ACTIVATION_REFUSED', `the evidence does not match package ${pkgName}: ${match.reasons.join('; ')}`, {
    details: { package: pkgName, failed: match.failed, reasons: match.reasons },
  });
}

/** True when the uploaded bytes are a package update (only Packages), not a full manifest. */
export function isPackageUpdateBytes(bytes: Uint8Array): boolean {
  const read = readManifest(bytes);
  return read.errors.length === 0 && isPackageUpdate(read.manifest);
}

/**
 * The manifest with a package update applied, and the new SecurityVersion (or GuestSvn) per
 * changed package. Throws ERR_MANIFEST_INVALID listing every violation (downgrade included).
 */
export function packageUpdate(current: Manifest, bytes: Uint8Array): { manifest: Manifest; changed: Record<string, Record<string, number>> } {
  const manifest = applyPackageUpdate(current, bytes);
  const changed: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(readManifest(bytes).manifest.Packages).sort()) {
    const p = manifest.Packages[name]!;
    changed[name] = { ...(p.SecurityVersion !== undefined ? { SecurityVersion: p.SecurityVersion } : {}), ...(p.GuestSvn !== undefined ? { GuestSvn: p.GuestSvn } : {}) };
  }
  return { manifest, changed };
}

/** What rendering takes of a signed marble certificate. */
type SignedLeaf = Pick<IssuedMarbleCertificate, 'cert' | 'certPem'>;

export interface RenderInput {
  state: StateData;
  marbleType: string;
  marble: Marble;
  uuid: string;
  keys: MarbleKeyDer;
  /** The marble certificate: DER and the PEM its signer made of it. */
  certificate: SignedLeaf;
  perMarble: SecretsWithPrevious;
  now: Date;
}

/**
 * The user-defined secret an ERR_SECRET_INVALID from rendering is about, when it is one that no
 * user has set yet: the error then says who unblocks the activation, and how.
 */
/** A user-defined secret holds only its type until a user uploads it. */
function isSet(value: SecretValue | undefined): boolean {
  return value !== undefined && (value.Private !== undefined || value.Cert !== undefined || value.Public !== undefined);
}

function unsetUserSecretHint(err: unknown, state: StateData): ConfideError | undefined {
  if (!isConfideError(err, 'ERR_SECRET_INVALID')) return undefined;
  const deployment = state.deployment!;
  const name = Object.keys(deployment.manifest.Secrets)
    .sort()
    .find((n) => deployment.manifest.Secrets[n]!.UserDefined && !isSet(deployment.secrets[n]) && (err.message.includes(`.Secrets.${n}`) || err.message.includes(JSON.stringify(n))));
  if (name === undefined) return undefined;
  return new CoordinatorError('ERR_SECRET_INVALID', `${err.message}: the user-defined secret ${name} is not set yet; a user with WriteSecret on it sets it with \`confide secret set\``, {
    cause: err,
    details: { ...err.details, secret: name, hint: 'confide secret set' },
  });
}

/** The marble's Files, Env and Argv with templates rendered, and MarbleRun's own variables in Env (core/marble-env.ts). Throws ERR_SECRET_INVALID (an unset user-defined secret), ERR_MANIFEST_INVALID. */
export async function renderMarbleParameters(input: RenderInput): Promise<RenderedParameters> {
  return refusingAsSecrets(input, () => {
    const { context, secrets } = contextOf(input, input.certificate.cert);
    const rendered = renderParameters(input.marble.Parameters, context, { marbleName: input.marbleType });
    return withOwnEnv(rendered, ownEnv(input, secrets)(input.certificate.certPem));
  });
}

/**
 * renderMarbleParameters before the marble certificate is signed (templates/pending-certificate.ts):
 * a function that makes the parameters with the certificate, or undefined when a template reads
 * more of it than an encoding (render with it once it is signed then). Whatever refuses the
 * parameters refuses them here. Throws as renderMarbleParameters.
 */
export function renderMarbleParametersAhead(input: Omit<RenderInput, 'certificate'>): ((certificate: SignedLeaf) => RenderedParameters) | undefined {
  return refusingAsSecrets(input, () => {
    const { context, secrets } = contextOf(input, new PendingCertificate());
    const complete = renderParametersAhead(input.marble.Parameters, context, { marbleName: input.marbleType });
    if (!complete) return undefined;
    const own = ownEnv(input, secrets);
    return (certificate: SignedLeaf) => withOwnEnv(complete(certificate.cert), own(certificate.certPem));
  });
}

/** `run`, an unset user-defined secret's failure saying who sets it. */
function refusingAsSecrets<T>(input: Pick<RenderInput, 'state'>, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw unsetUserSecretHint(err, input.state) ?? err;
  }
}

function contextOf(input: Omit<RenderInput, 'certificate'>, certificate: Uint8Array | PendingCertificate) {
  const deployment = input.state.deployment!;
  const secrets = { ...deployment.secrets, ...input.perMarble.secrets };
  const context = templateContext(
    input.state.pki,
    { cert: certificate, publicKeySpki: input.keys.publicKeySpki, privateKeyPkcs8: input.keys.privateKeyPkcs8 },
    secrets,
    { ...(deployment.previousSecrets ?? deployment.secrets), ...input.perMarble.previous },
  );
  return { context, secrets };
}

function ownEnv(input: Omit<RenderInput, 'certificate'>, secrets: SecretMap) {
  return marbleRunEnv({ manifest: input.state.deployment!.manifest, marble: input.marble, pki: input.state.pki, privateKeyPkcs8: input.keys.privateKeyPkcs8, secrets });
}

/** MarbleRun's own variables come after the templates and win over manifest entries of the same name. */
function withOwnEnv(rendered: RenderedParameters, own: Record<string, Uint8Array>): RenderedParameters {
  return { ...rendered, env: { ...rendered.env, ...own } };
}
