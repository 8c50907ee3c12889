/** Soft-deleted key names: marking, recovering and purging each run under the name's lock (key-name-lock.ts). */
import type { DeletedKeyRow, DeletedKeysRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { lockKeyName } from './key-name-lock.js';
import { pageOf } from '../../columns.js';
import { int } from './rows.js';

interface Row {
  name: string;
  deleted_date: string;
  scheduled_purge_date: string;
}

function toRow(r: Row): DeletedKeyRow {
  return { name: r.name, deletedDate: int(r.deleted_date), scheduledPurgeDate: int(r.scheduled_purge_date) };
}

export function deletedKeysOn(sql: Sql): DeletedKeysRepository {
  const forget = async (tx: Sql, name: string): Promise<boolean> => (await tx.query('DELETE FROM deleted_keys WHERE name = $1', [name])).rowCount === 1;
  return {
    markDeleted(row) {
      return sql.together(async (tx) => {
        await lockKeyName(tx, row.name);
        const { rowCount } = await tx.query(
          `INSERT INTO deleted_keys (name, deleted_date, scheduled_purge_date)
           SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM key_versions WHERE name = $1)
           ON CONFLICT (name) DO NOTHING`,
          [row.name, row.deletedDate, row.scheduledPurgeDate],
        );
        return rowCount === 1;
      });
    },
    async get(name) {
      const { rows } = await sql.query<Row>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name = $1', [name]);
      return rows[0] && toRow(rows[0]);
    },
    async list(limit, after) {
      const { rows } = await sql.query<Row>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name > $1 ORDER BY name LIMIT $2', [after ?? '', limit + 1]);
      return pageOf(rows, limit, toRow, (r) => r.name);
    },
    recover(name) {
      return sql.together(async (tx) => {
        await lockKeyName(tx, name);
        return forget(tx, name);
      });
    },
    purge(name) {
      return sql.together(async (tx) => {
        await lockKeyName(tx, name);
        if (!(await forget(tx, name))) return false;
        await tx.query('DELETE FROM key_versions WHERE name = $1', [name]);
        return true;
      });
    },
  };
}
