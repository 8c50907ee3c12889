/**
 * MarbleRun's monotonic counters. The current row is read FOR UPDATE (concurrent raises of one
 * counter queue on its lock), a new counter goes in with ON CONFLICT DO NOTHING (a twin that
 * committed first is read again), and the update only raises (`value < $new`, and a trigger
 * refuses any update that would lower a value).
 */
import type { MonotonicCounterRow, MonotonicCountersRepository } from '../../port.js';
import { bytes } from '../../columns.js';
import { checkCounterValue } from '../../coordinator-limits.js';
import type { Sql } from '../sql.js';

interface CounterColumns {
  id: string;
  value: Uint8Array;
  sealed: Uint8Array;
}

const rowOf = (r: CounterColumns): MonotonicCounterRow => ({ id: r.id, value: bytes(r.value), sealed: bytes(r.sealed) });

const SELECT = 'SELECT id, value, sealed FROM monotonic_counters WHERE id = $1';

export function monotonicCountersOn(sql: Sql): MonotonicCountersRepository {
  return {
    async get(id) {
      const { rows } = await sql.query<CounterColumns>(SELECT, [id]);
      return rows[0] && rowOf(rows[0]);
    },
    async raise(row) {
      checkCounterValue(row.value);
      return sql.together(async (tx) => {
        for (;;) {
          const { rows } = await tx.query<CounterColumns>(`${SELECT} FOR UPDATE`, [row.id]);
          const before = rows[0];
          if (before) {
            await tx.query('UPDATE monotonic_counters SET value = $2, sealed = $3 WHERE id = $1 AND value < $2', [row.id, row.value, row.sealed]);
            return rowOf(before);
          }
          const inserted = await tx.query('INSERT INTO monotonic_counters (id, value, sealed) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [row.id, row.value, row.sealed]);
          if (inserted.rowCount === 1) return undefined;
          // A twin committed first: read it (now visible, each statement takes a new snapshot) and compare with it.
        }
      });
    },
    async clear() {
      await sql.query('DELETE FROM monotonic_counters');
    },
  };
}
