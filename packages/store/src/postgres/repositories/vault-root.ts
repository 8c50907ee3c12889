/** The vault root row: written once by a conditional insert; resealed only over the row it replaces (the row lock orders resealers). */
import type { VaultRootRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { vaultRootOf, type VaultRootColumns } from '../../records.js';

export function vaultRootOn(sql: Sql): VaultRootRepository {
  return {
    async get() {
      const { rows } = await sql.query<VaultRootColumns>('SELECT provider, sealed_root, created_at FROM vault_root WHERE id = 1');
      return rows[0] && vaultRootOf(rows[0]);
    },
    async put(row) {
      const { rowCount } = await sql.query('INSERT INTO vault_root (id, provider, sealed_root, created_at) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING', [row.provider, row.sealedRoot, row.createdAt]);
      return rowCount === 1;
    },
    async reseal(row, previous) {
      const { rowCount } = await sql.query('UPDATE vault_root SET provider = $1, sealed_root = $2, created_at = $3 WHERE id = 1 AND sealed_root = $4', [
        row.provider,
        row.sealedRoot,
        row.createdAt,
        previous,
      ]);
      return rowCount === 1;
    },
  };
}
