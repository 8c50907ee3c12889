/** A broken manifest rule, located by a JSON path, and the collector the checks share. */
import type { ManifestRuleId } from './rules.js';

export type PathSegment = string | number;

export interface Violation {
  rule: ManifestRuleId;
  severity: 'error' | 'warning';
  /** For example `Marbles.backend.Parameters.Env.API_KEY` or `Marbles.backend.TLS[0]`; '' is the whole manifest. */
  path: string;
  /** The same path unambiguous (names may contain dots). */
  segments: PathSegment[];
  message: string;
}

export interface ManifestReport {
  errors: Violation[];
  warnings: Violation[];
}

/** Joins segments: names with '.', array indexes as `[i]`. */
function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/** Collects violations in the order the checks find them. */
export class ViolationList implements ManifestReport {
  readonly errors: Violation[] = [];
  readonly warnings: Violation[] = [];

  add(severity: 'error' | 'warning', rule: ManifestRuleId, segments: readonly PathSegment[], message: string): void {
    const v: Violation = { rule, severity, path: formatPath(segments), segments: [...segments], message };
    (severity === 'error' ? this.errors : this.warnings).push(v);
  }

  error(rule: ManifestRuleId, segments: readonly PathSegment[], message: string): void {
    this.add('error', rule, segments, message);
  }

  warn(rule: ManifestRuleId, segments: readonly PathSegment[], message: string): void {
    this.add('warning', rule, segments, message);
  }

  /** An error, or a warning when `soft` (Debug packages, unused packages). */
  errorUnless(soft: boolean, rule: ManifestRuleId, segments: readonly PathSegment[], message: string): void {
    this.add(soft ? 'warning' : 'error', rule, segments, message);
  }

  merge(other: ManifestReport): void {
    this.errors.push(...other.errors);
    this.warnings.push(...other.warnings);
  }

  report(): ManifestReport {
    return { errors: [...this.errors], warnings: [...this.warnings] };
  }
}

/** A null-prototype record, so names like "__proto__" or "constructor" are plain keys. */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Own-property lookup in a manifest map. */
export function lookup<T>(map: Record<string, T>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
}
