/** The vault root row: written once, by a conditional insert; resealed only over the row it replaces. */
import type { VaultRootRepository } from '../../port.js';
import { vaultRootOf, type VaultRootColumns } from '../../records.js';
import type { Db } from './db.js';


export function vaultRootOn(db: Db): VaultRootRepository {
  const get = db.prepare<[], VaultRootColumns>('SELECT provider, sealed_root, created_at FROM vault_root WHERE id = 1');
  const put = db.prepare('INSERT INTO vault_root (id, provider, sealed_root, created_at) VALUES (1, @provider, @sealedRoot, @createdAt) ON CONFLICT (id) DO NOTHING');
  const reseal = db.prepare('UPDATE vault_root SET provider = @provider, sealed_root = @sealedRoot, created_at = @createdAt WHERE id = 1 AND sealed_root = @previous');
  return {
    async get() {
      const r = get.get();
      return r && vaultRootOf(r);
    },
    async put(row) {
      return put.run({ ...row }).changes === 1;
    },
    async reseal(row, previous) {
      return reseal.run({ ...row, previous }).changes === 1;
    },
  };
}
