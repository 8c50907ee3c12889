/** Soft-deleted key names: marking and recovering are each one guarded statement; a purge two, in one transaction. */
import type { DeletedKeysRepository } from '../../port.js';
import { deletedKeyOf, type DeletedKeyColumns } from '../../records.js';
import type { Sql } from '../sql.js';
import { pageOf } from '../../columns.js';


export function deletedKeysOn(sql: Sql): DeletedKeysRepository {
  const forget = async (tx: Sql, name: string): Promise<boolean> => (await tx.query('DELETE FROM deleted_keys WHERE name = $1', [name])).rowCount === 1;
  return {
    async markDeleted(row) {
      const { rowCount } = await sql.query(
          `INSERT INTO deleted_keys (name, deleted_date, scheduled_purge_date)
           SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM key_versions WHERE name = $1)
           ON CONFLICT (name) DO NOTHING`,
          [row.name, row.deletedDate, row.scheduledPurgeDate],
      );
      return rowCount === 1;
    },
    async get(name) {
      const { rows } = await sql.query<DeletedKeyColumns>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name = $1', [name]);
      return rows[0] && deletedKeyOf(rows[0]);
    },
    async list(limit, after) {
      const { rows } = await sql.query<DeletedKeyColumns>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name > $1 ORDER BY name LIMIT $2', [after ?? '', limit + 1]);
      return pageOf(rows, limit, deletedKeyOf, (r) => r.name);
    },
    recover(name) {
      return forget(sql, name);
    },
    purge(name) {
      return sql.together(async (tx) => {
        if (!(await forget(tx, name))) return false;
        await tx.query('DELETE FROM key_versions WHERE name = $1', [name]);
        return true;
      });
    },
  };
}
