/** Whether a store's applied migrations are exactly a build's: what a read-only open requires, on either engine. */
import { StoreError } from './errors.js';
import type { Migration } from './port.js';

/** Throws ERR_STORE_UNAVAILABLE (reason `schema`) unless `applied` (version order) is exactly `migrations`; `where` names the store. */
export function assertSchemaIs(applied: ReadonlyArray<{ version: number; name: string }>, migrations: readonly Migration[], where: string): void {
  const expected = [...migrations].sort((a, b) => a.version - b.version);
  const same = applied.length === expected.length && applied.every((r, i) => r.version === expected[i]!.version && r.name === expected[i]!.name);
  if (same) return;
  const at = applied.at(-1)?.version ?? 0;
  throw new StoreError(
    'ERR_STORE_UNAVAILABLE',
    `${where} has schema version ${at}, this version of Confide reads version ${expected.at(-1)?.version ?? 0}; opened for reading only, it is not migrated: start the matching confide serve on it first`,
    { details: { reason: 'schema' } },
  );
}
