/** The ledger's users and their roles (an upsert per user; the role CHECK refuses unknown roles). */
import type { LedgerRole, LedgerUsersRepository } from '../../port.js';
import type { Sql } from '../sql.js';

export function ledgerUsersOn(sql: Sql): LedgerUsersRepository {
  return {
    async get(userId) {
      const { rows } = await sql.query<{ user_id: string; role: LedgerRole }>('SELECT user_id, role FROM ledger_users WHERE user_id = $1', [userId]);
      const r = rows[0];
      return r && { userId: r.user_id, role: r.role };
    },
    async put(row) {
      await sql.query('INSERT INTO ledger_users (user_id, role) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role', [row.userId, row.role]);
    },
    async delete(userId) {
      return (await sql.query('DELETE FROM ledger_users WHERE user_id = $1', [userId])).rowCount === 1;
    },
    async count(role) {
      const { rows } = await sql.query<{ n: number }>('SELECT COUNT(*)::integer AS n FROM ledger_users WHERE role = $1', [role]);
      return rows[0]!.n;
    },
  };
}
