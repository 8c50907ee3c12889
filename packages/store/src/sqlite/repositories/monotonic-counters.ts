/**
 * MarbleRun's monotonic counters. The read, the comparison and the write run in one savepoint
 * (SQLite has one writer), and a trigger refuses any update that would lower a value.
 */
import { StoreError } from '../../errors.js';
import type { MonotonicCounterRow, MonotonicCountersRepository } from '../../port.js';
import { bytes } from '../../columns.js';
import { checkCounterValue } from '../../coordinator-limits.js';
import type { Db } from './db.js';

interface CounterColumns {
  id: string;
  value: Uint8Array;
  sealed: Uint8Array;
}

const rowOf = (r: CounterColumns): MonotonicCounterRow => ({ id: r.id, value: bytes(r.value), sealed: bytes(r.sealed) });

/** Byte order of two 8-byte big-endian values, which is their numeric order. */
function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function monotonicCountersOn(db: Db): MonotonicCountersRepository {
  const get = db.prepare<[string], CounterColumns>('SELECT id, value, sealed FROM monotonic_counters WHERE id = ?');
  const insert = db.prepare('INSERT INTO monotonic_counters (id, value, sealed) VALUES (@id, @value, @sealed)');
  const update = db.prepare('UPDATE monotonic_counters SET value = @value, sealed = @sealed WHERE id = @id AND value < @value');
  const clear = db.prepare('DELETE FROM monotonic_counters');
  const raise = db.transaction((row: MonotonicCounterRow): MonotonicCounterRow | undefined => {
    const before = get.get(row.id);
    if (!before) insert.run({ id: row.id, value: row.value, sealed: row.sealed });
    else if (compare(row.value, before.value) > 0) update.run({ id: row.id, value: row.value, sealed: row.sealed });
    return before && rowOf(before);
  });
  return {
    async get(id) {
      const r = get.get(id);
      return r && rowOf(r);
    },
    async raise(row) {
      checkCounterValue(row.value);
      try {
        return raise(row);
      } catch (err) {
        if (String((err as Error).message).includes('never decreases')) throw new StoreError('ERR_STORE_CONFLICT', `monotonic counter ${row.id} would decrease`, { details: { reason: 'decrease' }, cause: err });
        throw err;
      }
    },
    async clear() {
      clear.run();
    },
  };
}
