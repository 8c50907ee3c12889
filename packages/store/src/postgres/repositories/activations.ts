/**
 * Activations and their per-type counters, counted as MarbleRun counts (port.ts). MaxActivations
 * is a conditional update of the type's counter row: concurrent writers queue on its row lock
 * and PostgreSQL re-checks `activated < max` on the latest count (READ COMMITTED's re-check of an
 * updated row), so no two can take the last place. The place and the row go in in one
 * statement; the one case it cannot see (a twin UUID committed meanwhile, a record rewritten
 * meanwhile) gives its place back before returning, so the steps need no savepoint inside a
 * caller's transaction.
 */
import { notNewMessage, StoreError } from '../../errors.js';
import type { ActivationInsert, ActivationsRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { activationOf, type ActivationColumns } from '../../records.js';
import { checkMax } from '../../coordinator-limits.js';
import { nowIso } from './rows.js';


/**
 * One round trip: make sure the type's counter exists (the rows reference it) and, with a
 * MaxActivations ($5 > 0), take a place (add one while below it; the counter row's lock orders
 * writers and the condition is re-checked on the latest count), then insert the row if the UUID
 * is new and, with a limit, a place was taken. `known` tells a recorded UUID from a full type.
 */
const INSERT_STEPS = `
  WITH fresh AS (
    SELECT NOT EXISTS (SELECT 1 FROM activations WHERE uuid = $1) AS ok
  ), placed AS (
    INSERT INTO activation_counts AS c (marble_type, activated)
    SELECT $2, CASE WHEN $5::integer > 0 THEN 1 ELSE 0 END WHERE (SELECT ok FROM fresh)
    ON CONFLICT (marble_type) DO UPDATE SET activated = c.activated + 1 WHERE $5::integer > 0 AND c.activated < $5::integer
    RETURNING 1
  ), inserted AS (
    INSERT INTO activations (uuid, marble_type, sealed, revision, updated_at)
    SELECT $1, $2, $3, 1, $4 WHERE (SELECT ok FROM fresh) AND ($5::integer = 0 OR EXISTS (SELECT 1 FROM placed))
    ON CONFLICT (uuid) DO NOTHING
    RETURNING 1
  )`;
const INSERT = `${INSERT_STEPS}
  SELECT NOT (SELECT ok FROM fresh) AS known, (SELECT COUNT(*) FROM placed)::integer AS placed, (SELECT COUNT(*) FROM inserted)::integer AS inserted`;

/**
 * The same without a MaxActivations ($5 = 0): nothing is counted, so the type's counter is only
 * made sure of, with DO NOTHING, which leaves the counter row unlocked (ON CONFLICT DO UPDATE
 * locks the row even when its WHERE is false, and every activation of the type would then hold
 * that lock until its commit, one after another). The row's foreign key takes a KEY SHARE lock,
 * which concurrent activations share.
 */
const INSERT_UNCOUNTED_STEPS = `
  WITH fresh AS (
    SELECT NOT EXISTS (SELECT 1 FROM activations WHERE uuid = $1) AS ok
  ), counter AS (
    INSERT INTO activation_counts (marble_type, activated) SELECT $2, 0 WHERE (SELECT ok FROM fresh) AND $5::integer = 0
    ON CONFLICT (marble_type) DO NOTHING
  ), inserted AS (
    INSERT INTO activations (uuid, marble_type, sealed, revision, updated_at)
    SELECT $1, $2, $3, 1, $4 WHERE (SELECT ok FROM fresh)
    ON CONFLICT (uuid) DO NOTHING
    RETURNING 1
  )`;
const INSERT_UNCOUNTED = `${INSERT_UNCOUNTED_STEPS}
  SELECT NOT (SELECT ok FROM fresh) AS known, 0 AS placed, (SELECT COUNT(*) FROM inserted)::integer AS inserted`;

/**
 * insertNew: the same steps, and the row must have gone in, else confide_expect fails the
 * transaction (and with it a place counted for a twin UUID), so it can be sent without waiting.
 */
const EXPECT_INSERTED = 'SELECT confide_expect((SELECT COUNT(*) FROM inserted) = 1, $6)';
const INSERT_NEW = `${INSERT_STEPS}\n  ${EXPECT_INSERTED}`;
const INSERT_NEW_UNCOUNTED = `${INSERT_UNCOUNTED_STEPS}\n  ${EXPECT_INSERTED}`;

/**
 * One round trip for a re-activation: with a MaxActivations ($5 > 0) take a place if the record
 * is there at that revision, then rewrite the record if a place was taken (or none is needed).
 * `matched` tells a full type from a record that is not (or no longer) there.
 */
const REACTIVATE = `
  WITH matched AS (
    SELECT EXISTS (SELECT 1 FROM activations WHERE uuid = $3 AND marble_type = $4 AND revision = $6) AS ok
  ), placed AS (
    UPDATE activation_counts SET activated = activated + 1
    WHERE marble_type = $4 AND $5::integer > 0 AND activated < $5::integer AND (SELECT ok FROM matched)
    RETURNING 1
  ), updated AS (
    UPDATE activations SET sealed = $1, revision = revision + 1, updated_at = $2
    WHERE uuid = $3 AND marble_type = $4 AND revision = $6 AND ($5::integer = 0 OR EXISTS (SELECT 1 FROM placed))
    RETURNING 1
  )
  SELECT (SELECT ok FROM matched) AS matched, (SELECT COUNT(*) FROM placed)::integer AS placed, (SELECT COUNT(*) FROM updated)::integer AS updated`;

const giveBack = 'UPDATE activation_counts SET activated = activated - 1 WHERE marble_type = $1';

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
      checkMax(max);
      return sql.together(async (tx): Promise<ActivationInsert> => {
        const { rows } = await tx.query<{ known: boolean; placed: number; inserted: number }>(max > 0 ? INSERT : INSERT_UNCOUNTED, [row.uuid, row.marbleType, row.sealed, nowIso(), max]);
        const { known, placed, inserted } = rows[0]!;
        if (inserted === 1) return 'inserted';
        // A twin of this UUID committed between our check and our insert: give a counted place back.
        if (placed === 1 && max > 0) await tx.query(giveBack, [row.marbleType]);
        if (known || max === 0 || placed === 1) return 'exists';
        return 'limit';
      });
    },
    async insertNew(row, max) {
      checkMax(max);
      await sql.expect(max > 0 ? INSERT_NEW : INSERT_NEW_UNCOUNTED, [row.uuid, row.marbleType, row.sealed, nowIso(), max, notNewMessage(row.uuid)]);
    },
    async update(uuid, marbleType, sealed, expectedRevision, max = 0) {
      checkMax(max);
      return sql.together(async (tx): Promise<number | 'limit'> => {
        const { rows } = await tx.query<{ matched: boolean; placed: number; updated: number }>(REACTIVATE, [sealed, nowIso(), uuid, marbleType, max, expectedRevision]);
        const { matched, placed, updated } = rows[0]!;
        if (updated === 1) return expectedRevision + 1;
        if (matched && max > 0 && placed === 0) return 'limit';
        // Rewritten or gone meanwhile: nothing may stay counted for an activation that did not happen.
        if (placed === 1) await tx.query(giveBack, [marbleType]);
        throw new StoreError('ERR_STORE_CONFLICT', `the activation record of ${uuid} changed or is gone`, { details: { reason: 'revision', uuid } });
      });
    },
    async clear() {
      await sql.together(async (tx) => {
        await tx.query('DELETE FROM activations');
        await tx.query('DELETE FROM activation_counts');
      });
    },
  };
}
