/** The ledger's users and their roles. */
import type { LedgerRole, LedgerUsersRepository } from '../../port.js';
import type { Db } from './db.js';

export function ledgerUsersOn(db: Db): LedgerUsersRepository {
  const get = db.prepare<[string], { user_id: string; role: LedgerRole }>('SELECT user_id, role FROM ledger_users WHERE user_id = ?');
  const put = db.prepare('INSERT INTO ledger_users (user_id, role) VALUES (@userId, @role) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role');
  const del = db.prepare('DELETE FROM ledger_users WHERE user_id = ?');
  const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM ledger_users WHERE role = ?');
  return {
    async get(userId) {
      const r = get.get(userId);
      return r && { userId: r.user_id, role: r.role };
    },
    async put(row) {
      put.run({ ...row });
    },
    async delete(userId) {
      return del.run(userId).changes === 1;
    },
    async count(role) {
      return count.get(role)!.n;
    },
  };
}
