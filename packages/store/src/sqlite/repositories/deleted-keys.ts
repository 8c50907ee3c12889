/** Soft-deleted key names: marking, recovering and purging are each one guarded statement (purge two, in one transaction). */
import type { DeletedKeyRow, DeletedKeysRepository } from '../../port.js';
import type { Db } from './db.js';
import { pageOf } from '../../columns.js';

interface Row {
  name: string;
  deleted_date: number;
  scheduled_purge_date: number;
}

function toRow(r: Row): DeletedKeyRow {
  return { name: r.name, deletedDate: r.deleted_date, scheduledPurgeDate: r.scheduled_purge_date };
}

export function deletedKeysOn(db: Db): DeletedKeysRepository {
  const mark = db.prepare(
    `INSERT INTO deleted_keys (name, deleted_date, scheduled_purge_date)
     SELECT @name, @deletedDate, @scheduledPurgeDate WHERE EXISTS (SELECT 1 FROM key_versions WHERE name = @name)
     ON CONFLICT (name) DO NOTHING`,
  );
  const get = db.prepare<[string], Row>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name = ?');
  const list = db.prepare<[string, number], Row>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name > ? ORDER BY name LIMIT ?');
  const recover = db.prepare('DELETE FROM deleted_keys WHERE name = ?');
  const removeVersions = db.prepare('DELETE FROM key_versions WHERE name = ?');
  const purge = db.transaction((name: string) => {
    if (recover.run(name).changes !== 1) return false;
    removeVersions.run(name);
    return true;
  });
  return {
    async markDeleted(row) {
      return mark.run({ ...row }).changes === 1;
    },
    async get(name) {
      const r = get.get(name);
      return r && toRow(r);
    },
    async list(limit, after) {
      return pageOf(list.all(after ?? '', limit + 1), limit, toRow, (r) => r.name);
    },
    async recover(name) {
      return recover.run(name).changes === 1;
    },
    async purge(name) {
      return purge(name);
    },
  };
}
