/** Every manifest rule in one pass, and the entry points that read, check and refuse manifests. */
import type { ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { readManifest } from './parse.js';
import type { Manifest } from './types.js';
import { validateAccess } from './validate-access.js';
import { validateMarbles } from './validate-marbles.js';
import { validatePackages } from './validate-packages.js';
import { validateSecrets } from './validate-secrets.js';
import { validateTls } from './validate-tls.js';
import { ViolationList, type ManifestReport, type Violation } from './violation.js';

/** Checks a parsed manifest against every rule (see MANIFEST_RULES). Never throws. */
export function validateManifest(m: Manifest): ManifestReport {
  const v = new ViolationList();
  const usedSecrets = new Set<string>();
  validatePackages(m, v);
  validateMarbles(m, v, usedSecrets);
  validateSecrets(m, v);
  validateTls(m, v, usedSecrets);
  validateAccess(m, v, usedSecrets);
  if (Object.keys(m.Infrastructures).length > 0) v.warn('infrastructure.not-enforced', ['Infrastructures'], 'Infrastructures are parsed but not enforced');
  for (const name of Object.keys(m.Secrets)) {
    if (!usedSecrets.has(name)) v.warn('secret.unused', ['Secrets', name], 'no template, TLS tag or role uses this secret');
  }
  return v.report();
}

export interface CheckedManifest extends ManifestReport {
  /** Best effort when there are errors. */
  manifest: Manifest;
}

/** Reads and checks manifest text or a decoded object: type errors and rule violations together. Never throws. */
export function checkManifest(input: string | Uint8Array | unknown): CheckedManifest {
  const read = readManifest(input);
  const v = new ViolationList();
  v.merge(read);
  // Nothing to check in something that is not a JSON object.
  if (!read.errors.some((e) => e.rule === 'json.syntax' || e.rule === 'json.not-object' || e.rule === 'json.max-depth')) v.merge(validateManifest(read.manifest));
  return { manifest: read.manifest, ...v.report() };
}

/** Thrown error for a refused manifest: details.violations = every error, details.warnings = every warning. */
export function manifestInvalid(errors: Violation[], warnings: Violation[], what = 'manifest'): ConfideError {
  const first = errors[0];
  const where = first ? ` first: ${first.rule} at ${first.path || '(root)'}: ${first.message}` : '';
  return new CoordinatorError('ERR_MANIFEST_INVALID', `the ${what} is invalid: ${errors.length} error(s);${where}`, {
    details: { violations: errors, warnings },
  });
}

/**
 * Reads and checks a manifest (text, bytes, decoded JSON) and returns it with its warnings.
 * Throws ERR_MANIFEST_INVALID with details.violations listing every error.
 */
export function assertValidManifest(input: string | Uint8Array | unknown): { manifest: Manifest; warnings: Violation[] } {
  const { manifest, errors, warnings } = checkManifest(input);
  if (errors.length > 0) throw manifestInvalid(errors, warnings);
  return { manifest, warnings };
}
