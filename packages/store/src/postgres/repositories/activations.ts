/**
 * Activations and their per-type counters. MaxActivations is a conditional update of the type's
 * counter row: concurrent writers queue on its row lock and PostgreSQL re-checks
 * `activated < max` on the latest count (READ COMMITTED's re-check of an updated row), so no two
 * can take the last place. The place and the row go in in one statement; the one case it cannot
 * see (a twin UUID committed meanwhile) gives its place back before returning, so the steps need
 * no savepoint inside a caller's transaction.
 */
import { StoreError } from '../../errors.js';
import type { ActivationInsert, ActivationsRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { activationOf, type ActivationColumns } from '../../records.js';
import { nowIso } from './rows.js';


/**
 * One round trip: take a place (insert the type's counter at 1, or add one to it while below
 * MaxActivations; the counter row's lock orders writers and the condition is re-checked on the
 * latest count), then insert the row only if a place was taken. `known` tells a recorded UUID
 * from a full type.
 */
const INSERT = `
  WITH placed AS (
    INSERT INTO activation_counts AS c (marble_type, activated)
    SELECT $2, 1 WHERE NOT EXISTS (SELECT 1 FROM activations WHERE uuid = $1)
    ON CONFLICT (marble_type) DO UPDATE SET activated = c.activated + 1 WHERE $5::integer = 0 OR c.activated < $5::integer
    RETURNING 1
  ), inserted AS (
    INSERT INTO activations (uuid, marble_type, sealed, revision, updated_at)
    SELECT $1, $2, $3, 1, $4 WHERE EXISTS (SELECT 1 FROM placed)
    ON CONFLICT (uuid) DO NOTHING
    RETURNING 1
  )
  SELECT EXISTS (SELECT 1 FROM activations WHERE uuid = $1) AS known, (SELECT COUNT(*) FROM placed)::integer AS placed, (SELECT COUNT(*) FROM inserted)::integer AS inserted`;

export function activationsOn(sql: Sql): ActivationsRepository {
  return {
    async find(uuid) {
      const { rows } = await sql.query<ActivationColumns>('SELECT uuid, marble_type, sealed, revision FROM activations WHERE uuid = $1', [uuid]);
      return rows[0] && activationOf(rows[0]);
    },
    async count(marbleType) {
      const { rows } = await sql.query<{ activated: number }>('SELECT activated FROM activation_counts WHERE marble_type = $1', [marbleType]);
      return rows[0]?.activated ?? 0;
    },
    async insert(row, max) {
      if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxActivations must be a non-negative integer, got ${max}`);
      return sql.together(async (tx): Promise<ActivationInsert> => {
        const { rows } = await tx.query<{ known: boolean; placed: number; inserted: number }>(INSERT, [row.uuid, row.marbleType, row.sealed, nowIso(), max]);
        const { known, placed, inserted } = rows[0]!;
        if (inserted === 1) return 'inserted';
        if (placed === 1) {
          // A twin of this UUID committed between our check and our insert: give the place back.
          await tx.query('UPDATE activation_counts SET activated = activated - 1 WHERE marble_type = $1', [row.marbleType]);
          return 'exists';
        }
        return known ? 'exists' : 'limit';
      });
    },
    async update(uuid, marbleType, sealed, expectedRevision) {
      const updated = await sql.query('UPDATE activations SET sealed = $1, revision = revision + 1, updated_at = $2 WHERE uuid = $3 AND marble_type = $4 AND revision = $5', [
        sealed,
        nowIso(),
        uuid,
        marbleType,
        expectedRevision,
      ]);
      if (updated.rowCount !== 1) throw new StoreError('ERR_STORE_CONFLICT', `the activation record of ${uuid} changed or is gone`, { details: { reason: 'revision', uuid } });
      return expectedRevision + 1;
    },
    async clear() {
      await sql.together(async (tx) => {
        await tx.query('DELETE FROM activations');
        await tx.query('DELETE FROM activation_counts');
      });
    },
  };
}
