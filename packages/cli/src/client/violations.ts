/**
 * Manifest violations and warnings, whether the coordinator returned them with a refusal or
 * `manifest check` found them offline: every one is shown, not only the first.
 */
import { isConfideError } from '@confide/core';

export interface ShownViolation {
  rule: string;
  severity: string;
  path: string;
  message: string;
}

/** The well-formed entries of a violation list from the wire (anything else is dropped). */
export function violationList(value: unknown): ShownViolation[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    .map((v) => ({ rule: String(v['rule'] ?? ''), severity: String(v['severity'] ?? ''), path: String(v['path'] ?? ''), message: String(v['message'] ?? '') }));
}

/** The violations and warnings an error carries: its own details, or the coordinator's under details.coordinator. */
export function violationsOf(err: unknown): { violations: ShownViolation[]; warnings: ShownViolation[] } | undefined {
  if (!isConfideError(err) || !err.details) return undefined;
  const details = err.details as Record<string, unknown>;
  const source = (typeof details['coordinator'] === 'object' && details['coordinator'] !== null ? details['coordinator'] : details) as Record<string, unknown>;
  const violations = violationList(source['violations']);
  const warnings = violationList(source['warnings']);
  return violations.length + warnings.length > 0 ? { violations, warnings } : undefined;
}

/** One line per entry: `  error    Packages.web.UniqueID  package.hex-invalid: ...`. */
export function violationLines(entries: readonly ShownViolation[], label: 'error' | 'warning'): string[] {
  return entries.map((v) => `  ${label.padEnd(7)}  ${v.path || '(root)'}  ${v.rule}: ${v.message}`);
}
