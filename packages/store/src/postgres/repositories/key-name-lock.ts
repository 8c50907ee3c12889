/**
 * Changes to one key name's life (a version added, deleted, recovered, purged) take this
 * transaction-scoped advisory lock first, so they run one at a time per name across replicas and
 * each next statement sees what the one before committed: no version lands in a name being
 * deleted, none survives a purge. Reads take no lock.
 */
import type { Sql } from '../sql.js';

/** The first key of the two-key advisory lock space, for key names (the second is the name's hash). */
const KEY_NAMES = 0x6b6e;

export async function lockKeyName(sql: Sql, name: string): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1::integer, hashtext($2))', [KEY_NAMES, name]);
}
