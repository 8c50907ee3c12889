/**
 * What a pending manifest update changes, by name only: for each section (packages, marbles,
 * users, roles, secrets) the names added, removed and changed. Secret definitions are compared,
 * never shown; a manifest carries no secret values anyway.
 */
export interface ManifestChange {
  section: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
}

const SECTIONS = ['Packages', 'Marbles', 'Users', 'Roles', 'Secrets'] as const;

type ManifestLike = Partial<Record<(typeof SECTIONS)[number], Record<string, unknown>>>;

/** Stable JSON (keys sorted), so reordered keys are not a change. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function manifestChanges(current: ManifestLike, next: ManifestLike): ManifestChange[] {
  const out: ManifestChange[] = [];
  for (const section of SECTIONS) {
    const before = current[section] ?? {};
    const after = next[section] ?? {};
    for (const name of Object.keys(after).sort()) {
      if (!(name in before)) out.push({ section, name, change: 'added' });
      else if (stable(before[name]) !== stable(after[name])) out.push({ section, name, change: 'changed' });
    }
    for (const name of Object.keys(before).sort()) if (!(name in after)) out.push({ section, name, change: 'removed' });
  }
  return out;
}
