/**
 * Activations and their per-type counters. MaxActivations is a conditional UPDATE of the type's
 * counter row: concurrent writers queue on its row lock and PostgreSQL re-checks
 * `activated < max` on the latest count (READ COMMITTED's re-check of an updated row), so no two
 * can take the last place. A refused insert removes its own row before it returns, so the steps
 * need no savepoint inside a caller's transaction.
 */
import { StoreError } from '../../errors.js';
import type { ActivationInsert, ActivationsRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { activationOf, type ActivationColumns } from '../../records.js';
import { nowIso } from './rows.js';


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
        await tx.query('INSERT INTO activation_counts (marble_type, activated) VALUES ($1, 0) ON CONFLICT (marble_type) DO NOTHING', [row.marbleType]);
        const inserted = await tx.query('INSERT INTO activations (uuid, marble_type, sealed, revision, updated_at) VALUES ($1, $2, $3, 1, $4) ON CONFLICT (uuid) DO NOTHING', [
          row.uuid,
          row.marbleType,
          row.sealed,
          nowIso(),
        ]);
        if (inserted.rowCount === 0) return 'exists';
        const placed = await tx.query('UPDATE activation_counts SET activated = activated + 1 WHERE marble_type = $1 AND ($2::integer = 0 OR activated < $2::integer)', [row.marbleType, max]);
        if (placed.rowCount === 0) {
          await tx.query('DELETE FROM activations WHERE uuid = $1', [row.uuid]);
          return 'limit';
        }
        return 'inserted';
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
