/** What a full manifest update changes, section by section: for review before acknowledging. */
import type { Manifest } from './types.js';

export interface SectionDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export type ManifestDiff = Record<Exclude<keyof Manifest, 'Config'>, SectionDiff> & { Config: string[] };

const SECTIONS = ['Packages', 'Infrastructures', 'Marbles', 'Users', 'Secrets', 'RecoveryKeys', 'Roles', 'TLS'] as const;

/** JSON with sorted keys, so equal values compare equal whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function diffSection(a: Record<string, unknown>, b: Record<string, unknown>): SectionDiff {
  const has = (o: Record<string, unknown>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
  return {
    added: Object.keys(b).filter((k) => !has(a, k)).sort(),
    removed: Object.keys(a).filter((k) => !has(b, k)).sort(),
    changed: Object.keys(b).filter((k) => has(a, k) && canonical(a[k]) !== canonical(b[k])).sort(),
  };
}

/** Names added, removed and changed in each section, and the Config fields that differ. */
export function diffManifest(before: Manifest, after: Manifest): ManifestDiff {
  const out = {} as ManifestDiff;
  for (const s of SECTIONS) out[s] = diffSection(before[s], after[s]);
  out.Config = (Object.keys(after.Config) as (keyof Manifest['Config'])[]).filter((k) => canonical(before.Config[k]) !== canonical(after.Config[k]));
  return out;
}

/** True when nothing differs. */
export function isEmptyDiff(d: ManifestDiff): boolean {
  return d.Config.length === 0 && SECTIONS.every((s) => d[s].added.length + d[s].removed.length + d[s].changed.length === 0);
}
