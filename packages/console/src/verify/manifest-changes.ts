/**
 * What a pending manifest update changes, by name only: for each section (packages, marbles,
 * users, roles, secrets) the names added, removed and changed. Secret definitions are compared,
 * never shown; a manifest carries no secret values anyway.
 */
import { canonicalJson } from '@confide/audit';

export interface ManifestChange {
  section: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
}

const SECTIONS = ['Packages', 'Marbles', 'Users', 'Roles', 'Secrets'] as const;

type ManifestLike = Partial<Record<(typeof SECTIONS)[number], Record<string, unknown>>>;

export function manifestChanges(current: ManifestLike, next: ManifestLike): ManifestChange[] {
  const out: ManifestChange[] = [];
  for (const section of SECTIONS) {
    const before = current[section] ?? {};
    const after = next[section] ?? {};
    for (const name of Object.keys(after).sort()) {
      // Canonical JSON (keys sorted), so reordered keys are not a change.
      if (!Object.hasOwn(before, name)) out.push({ section, name, change: 'added' });
      else if (canonicalJson(before[name]) !== canonicalJson(after[name])) out.push({ section, name, change: 'changed' });
    }
    for (const name of Object.keys(before).sort()) if (!Object.hasOwn(after, name)) out.push({ section, name, change: 'removed' });
  }
  return out;
}
