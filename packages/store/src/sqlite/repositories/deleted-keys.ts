/** Soft-deleted key names: marking, recovering and purging are each one guarded statement (purge two, in one transaction). */
import type { DeletedKeysRepository } from '../../port.js';
import { deletedKeyOf, type DeletedKeyColumns } from '../../records.js';
import type { Db } from './db.js';
import { pageOf } from '../../columns.js';


export function deletedKeysOn(db: Db): DeletedKeysRepository {
  const mark = db.prepare(
    `INSERT INTO deleted_keys (name, deleted_date, scheduled_purge_date)
     SELECT @name, @deletedDate, @scheduledPurgeDate WHERE EXISTS (SELECT 1 FROM key_versions WHERE name = @name)
     ON CONFLICT (name) DO NOTHING`,
  );
  const get = db.prepare<[string], DeletedKeyColumns>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name = ?');
  const list = db.prepare<[string, number], DeletedKeyColumns>('SELECT name, deleted_date, scheduled_purge_date FROM deleted_keys WHERE name > ? ORDER BY name LIMIT ?');
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
      return r && deletedKeyOf(r);
    },
    async list(limit, after) {
      return pageOf(list.all(after ?? '', limit + 1), limit, deletedKeyOf, (r) => r.name);
    },
    async recover(name) {
      return recover.run(name).changes === 1;
    },
    async purge(name) {
      return purge(name);
    },
  };
}
