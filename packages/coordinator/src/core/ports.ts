/**
 * The manifest-model and template calls the core makes, in one place: the modules beside the
 * core own the rules; the core only asks.
 */
import { ConfideError } from '@confide/core';
import type { Claims } from '@confide/evidence';
import { fileBytes } from '../manifest/file-data.js';
import { parseManifest } from '../manifest/parse.js';
import { DEFAULT_ACCEPTED_TCB_STATUSES, type Manifest, type Marble, type PackageProperties } from '../manifest/types.js';
import type { MarbleKeyPair } from '../pki/marble-cert.js';
import type { SecretsWithPrevious } from '../secrets/generate.js';
import type { StateData } from './state.js';

/** Parses and validates manifest bytes. Throws ERR_MANIFEST_INVALID with every violation in details. */
export function checkManifest(bytes: Uint8Array): Manifest {
  return parseManifest(bytes);
}

function mismatch(pkgName: string, field: string, expected: unknown, actual: unknown): ConfideError {
  return new ConfideError('ERR_ACTIVATION_REFUSED', `the evidence does not match package ${pkgName}: ${field} is ${JSON.stringify(actual)}, the package needs ${JSON.stringify(expected)}`, {
    details: { package: pkgName, field, expected, actual },
  });
}

/** Throws ERR_ACTIVATION_REFUSED unless `claims` satisfy the package. */
export function matchMarblePackage(pkg: PackageProperties, claims: Claims, pkgName: string): void {
  if (pkg.Debug !== claims.debug) throw mismatch(pkgName, 'Debug', pkg.Debug, claims.debug);
  if (pkg.UniqueID !== undefined && pkg.UniqueID.toLowerCase() !== claims.measurement) throw mismatch(pkgName, 'UniqueID', pkg.UniqueID.toLowerCase(), claims.measurement);
  if (pkg.SignerID !== undefined && pkg.SignerID.toLowerCase() !== claims.signer) throw mismatch(pkgName, 'SignerID', pkg.SignerID.toLowerCase(), claims.signer);
  if (pkg.ProductID !== undefined && pkg.ProductID !== claims.productId) throw mismatch(pkgName, 'ProductID', pkg.ProductID, claims.productId);
  if (pkg.SecurityVersion !== undefined && (claims.svn ?? 0) < pkg.SecurityVersion) throw mismatch(pkgName, 'SecurityVersion', pkg.SecurityVersion, claims.svn);
  const accepted = pkg.AcceptedTCBStatuses && pkg.AcceptedTCBStatuses.length > 0 ? pkg.AcceptedTCBStatuses : DEFAULT_ACCEPTED_TCB_STATUSES;
  if (!accepted.includes(claims.tcbStatus)) throw mismatch(pkgName, 'AcceptedTCBStatuses', accepted, claims.tcbStatus);
}

export interface RenderInput {
  state: StateData;
  marbleType: string;
  marble: Marble;
  uuid: string;
  keys: MarbleKeyPair;
  /** DER of the marble certificate. */
  certificate: Uint8Array;
  perMarble: SecretsWithPrevious;
  now: Date;
}

/** The marble's Files, Env and Argv with templates rendered. Throws ERR_SECRET_INVALID. */
export async function renderMarbleParameters(input: RenderInput): Promise<{ files: Record<string, Uint8Array>; env: Record<string, Uint8Array>; argv: string[] }> {
  const render = (file: { Data: string; Encoding: 'string' | 'base64' | 'hex'; NoTemplates: boolean }): Uint8Array => {
    if (!file.NoTemplates && file.Data.includes('{{')) throw new ConfideError('ERR_INTERNAL', 'templates are not rendered yet');
    return fileBytes(file);
  };
  const files: Record<string, Uint8Array> = {};
  const env: Record<string, Uint8Array> = {};
  for (const [path, f] of Object.entries(input.marble.Parameters.Files)) files[path] = render(f);
  for (const [name, f] of Object.entries(input.marble.Parameters.Env)) env[name] = render(f);
  return { files, env, argv: [...input.marble.Parameters.Argv] };
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ConfideError('ERR_MANIFEST_INVALID', `the update is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfideError('ERR_MANIFEST_INVALID', 'the update must be a JSON object');
  return value as Record<string, unknown>;
}

/** True when the uploaded bytes are a package update (only Packages), not a full manifest. */
export function isPackageUpdate(bytes: Uint8Array): boolean {
  let value: Record<string, unknown>;
  try {
    value = parseJsonObject(bytes);
  } catch {
    return false; // checkManifest reports it as a manifest
  }
  return Object.keys(value).every((k) => k === 'Packages' || (typeof value[k] === 'object' && value[k] !== null && Object.keys(value[k] as object).length === 0));
}

/**
 * The manifest with a package update applied, and the new SecurityVersion per changed package.
 * Throws ERR_MANIFEST_INVALID (unknown package, a field other than SecurityVersion, a downgrade).
 */
export function applyPackageUpdate(current: Manifest, bytes: Uint8Array): { manifest: Manifest; changed: Record<string, number> } {
  const packages = parseJsonObject(bytes)['Packages'];
  const invalid = (message: string, path: string): ConfideError => new ConfideError('ERR_MANIFEST_INVALID', message, { details: { path } });
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages) || Object.keys(packages).length === 0) {
    throw invalid('a package update needs a non-empty Packages object', 'Packages');
  }
  const next: Manifest = { ...current, Packages: { ...current.Packages } };
  const changed: Record<string, number> = {};
  for (const [name, update] of Object.entries(packages as Record<string, unknown>)) {
    const path = `Packages.${name}`;
    const old = Object.hasOwn(current.Packages, name) ? current.Packages[name] : undefined;
    if (!old) throw invalid(`package ${name} is not in the manifest`, path);
    if (typeof update !== 'object' || update === null || Object.keys(update).some((k) => k !== 'SecurityVersion')) throw invalid(`package ${name}: only SecurityVersion can be updated`, path);
    const version = (update as { SecurityVersion?: unknown }).SecurityVersion;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) throw invalid(`package ${name}: SecurityVersion must be a non-negative integer`, `${path}.SecurityVersion`);
    if (old.SecurityVersion !== undefined && version < old.SecurityVersion) {
      throw invalid(`package ${name}: SecurityVersion ${version} would downgrade from ${old.SecurityVersion}`, `${path}.SecurityVersion`);
    }
    next.Packages[name] = { ...old, SecurityVersion: version };
    changed[name] = version;
  }
  return { manifest: next, changed };
}
