/**
 * Package update manifests (MarbleRun's "update manifest"): only Packages, each entry only a
 * higher SecurityVersion (or, for sev-snp, GuestSvn) for a package that exists.
 */
import { readManifest } from './parse.js';
import type { Manifest, PackageProperties } from './types.js';
import { manifestInvalid } from './validate.js';
import { lookup, ViolationList, type ManifestReport } from './violation.js';

const SECTIONS = ['Infrastructures', 'Marbles', 'Users', 'Secrets', 'RecoveryKeys', 'Roles', 'TLS'] as const;

function updatableFields(current: PackageProperties): readonly string[] {
  return (current.Tee ?? 'sgx') === 'sev-snp' ? ['SecurityVersion', 'GuestSvn'] : ['SecurityVersion'];
}

function configIsEmpty(m: Manifest): boolean {
  const c = m.Config;
  return c.SealMode === '' && c.FeatureGates.length === 0 && c.UpdateThreshold === 0 && c.RecoveryThreshold === 0 && !c.RotateRootSecret;
}

/** True when the manifest holds nothing but Packages (MarbleRun's IsUpdateManifest). */
export function isPackageUpdate(m: Manifest): boolean {
  return SECTIONS.every((s) => Object.keys(m[s]).length === 0) && configIsEmpty(m);
}

/** Checks an update against the current manifest. Never throws. */
export function validatePackageUpdate(current: Manifest, update: Manifest): ManifestReport {
  const v = new ViolationList();
  for (const s of SECTIONS) {
    if (Object.keys(update[s]).length > 0) v.error('update.not-packages-only', [s], `a package update holds only Packages, not ${s}`);
  }
  if (!configIsEmpty(update)) v.error('update.not-packages-only', ['Config'], 'a package update holds only Packages, not Config');
  if (Object.keys(update.Packages).length === 0) v.error('update.no-packages', ['Packages'], 'the update names no package');
  for (const [name, pkg] of Object.entries(update.Packages)) {
    const at = ['Packages', name];
    const old = lookup(current.Packages, name);
    if (!old) {
      v.error('update.package-unknown', at, `package "${name}" is not in the manifest`);
      continue;
    }
    const allowed = updatableFields(old);
    for (const [field, value] of Object.entries(pkg)) {
      // Go cannot tell "Debug": false from no Debug, so it is allowed.
      if (field === 'Debug' && value === false) continue;
      if (!allowed.includes(field)) v.error('update.field-not-updatable', [...at, field], `${field} cannot be changed by a package update`);
    }
    if (pkg.SecurityVersion === undefined && (pkg.GuestSvn === undefined || !allowed.includes('GuestSvn'))) {
      v.error('update.security-version-missing', [...at, 'SecurityVersion'], 'the update sets no SecurityVersion');
    }
    for (const field of ['SecurityVersion', 'GuestSvn'] as const) {
      const next = pkg[field];
      const prev = old[field];
      if (next !== undefined && prev !== undefined && next < prev) v.error('update.version-decrease', [...at, field], `${field} ${next} is below the current ${prev}`);
    }
  }
  return v.report();
}

/**
 * Applies a package update (text, bytes, decoded JSON or a parsed Manifest) and returns the new
 * manifest; `current` is not changed. Throws ERR_MANIFEST_INVALID listing every violation.
 */
export function applyPackageUpdate(current: Manifest, update: string | Uint8Array | Manifest | unknown): Manifest {
  const read = isManifest(update) ? { manifest: update, errors: [], warnings: [] } : readManifest(update);
  const report = validatePackageUpdate(current, read.manifest);
  const errors = [...read.errors, ...report.errors];
  if (errors.length > 0) throw manifestInvalid(errors, [...read.warnings, ...report.warnings], 'package update');
  // A JSON round trip keeps the null-prototype maps (structuredClone would not).
  const next = readManifest(JSON.stringify(current)).manifest;
  for (const [name, pkg] of Object.entries(read.manifest.Packages)) {
    const target = next.Packages[name]!;
    if (pkg.SecurityVersion !== undefined) target.SecurityVersion = pkg.SecurityVersion;
    if (pkg.GuestSvn !== undefined) target.GuestSvn = pkg.GuestSvn;
  }
  return next;
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<Manifest>;
  return typeof m.Config === 'object' && typeof m.Packages === 'object' && Array.isArray(m.Config?.FeatureGates);
}
