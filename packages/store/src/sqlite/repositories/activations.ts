/**
 * Activations and their per-type counters, counted as MarbleRun counts (port.ts). MaxActivations
 * is enforced by a conditional UPDATE of the type's counter row: on an engine with concurrent
 * transactions the row lock orders the writers and each re-checks the condition on the latest
 * count, so no two can take the last place. The steps run in one savepoint, so a refused insert
 * or update leaves nothing behind.
 */
import { expectationFailed, notNewMessage, StoreError } from '../../errors.js';
import type { ActivationInsert, ActivationRow, ActivationsRepository } from '../../port.js';
import { activationOf, type ActivationColumns } from '../../records.js';
import { nowIso, type Db } from './db.js';
import { checkMax } from '../../coordinator-limits.js';


export function activationsOn(db: Db): ActivationsRepository {
  const find = db.prepare<[string], ActivationColumns>('SELECT uuid, marble_type, sealed, revision FROM activations WHERE uuid = ?');
  const count = db.prepare<[string], { activated: number }>('SELECT activated FROM activation_counts WHERE marble_type = ?');
  const ensureCounter = db.prepare('INSERT INTO activation_counts (marble_type, activated) VALUES (?, 0) ON CONFLICT (marble_type) DO NOTHING');
  const insertRow = db.prepare(
    'INSERT INTO activations (uuid, marble_type, sealed, revision, updated_at) VALUES (@uuid, @type, @sealed, 1, @at) ON CONFLICT (uuid) DO NOTHING',
  );
  const takePlace = db.prepare('UPDATE activation_counts SET activated = activated + 1 WHERE marble_type = @type AND activated < @max');
  const deleteRow = db.prepare('DELETE FROM activations WHERE uuid = ?');
  const update = db.prepare(
    'UPDATE activations SET sealed = @sealed, revision = revision + 1, updated_at = @at WHERE uuid = @uuid AND marble_type = @type AND revision = @expected',
  );
  const clearRows = db.prepare('DELETE FROM activations');
  const clearCounts = db.prepare('DELETE FROM activation_counts');

  const insert = db.transaction((row: Omit<ActivationRow, 'revision'>, max: number): ActivationInsert => {
    ensureCounter.run(row.marbleType);
    if (insertRow.run({ uuid: row.uuid, type: row.marbleType, sealed: row.sealed, at: nowIso() }).changes === 0) return 'exists';
    if (max > 0 && takePlace.run({ type: row.marbleType, max }).changes === 0) {
      deleteRow.run(row.uuid);
      return 'limit';
    }
    return 'inserted';
  });
  // Thrown inside the savepoint so that the rewrite it made is rolled back with it.
  const full = Symbol('limit');
  const reactivate = db.transaction((uuid: string, type: string, sealed: Uint8Array, expected: number, max: number): number => {
    if (update.run({ uuid, type, sealed, expected, at: nowIso() }).changes !== 1) {
      throw new StoreError('ERR_STORE_CONFLICT', `the activation record of ${uuid} changed or is gone`, { details: { reason: 'revision', uuid } });
    }
    if (max > 0 && takePlace.run({ type, max }).changes === 0) throw full;
    return expected + 1;
  });
  const clear = db.transaction(() => {
    clearRows.run();
    clearCounts.run();
  });

  return {
    async find(uuid) {
      const row = find.get(uuid);
      return row && activationOf(row);
    },
    async count(marbleType) {
      return count.get(marbleType)?.activated ?? 0;
    },
    async insert(row, maxActivations) {
      checkMax(maxActivations);
      return insert(row, maxActivations);
    },
    async insertNew(row, maxActivations) {
      checkMax(maxActivations);
      // A refused insert left nothing behind (its savepoint), and the caller's transaction fails with the throw.
      if (insert(row, maxActivations) !== 'inserted') throw expectationFailed(notNewMessage(row.uuid));
    },
    async update(uuid, marbleType, sealed, expectedRevision, maxActivations = 0) {
      checkMax(maxActivations);
      try {
        return reactivate(uuid, marbleType, sealed, expectedRevision, maxActivations);
      } catch (err) {
        if (err === full) return 'limit';
        throw err;
      }
    },
    async clear() {
      clear();
    },
  };
}
