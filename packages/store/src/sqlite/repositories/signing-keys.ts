/** Token signing keys: certificate in clear, private key sealed by the caller. */
import { StoreError } from '../../errors.js';
import type { SigningKeyRow, SigningKeysRepository } from '../../port.js';
import { signingKeyOf, type SigningKeyColumns } from '../../records.js';
import type { Db } from './db.js';


export function signingKeysOn(db: Db): SigningKeysRepository {
  const list = db.prepare<[], SigningKeyColumns>('SELECT kid, created_at, retired_at, certificate_der, sealed_private_key FROM signing_keys ORDER BY created_at, kid');
  const insert = db.prepare(
    `INSERT INTO signing_keys (kid, created_at, retired_at, certificate_der, sealed_private_key) VALUES (@kid, @createdAt, @retiredAt, @certificateDer, @sealedPrivateKey)
     ON CONFLICT (kid) DO NOTHING`,
  );
  const retire = db.prepare('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL');
  const remove = db.prepare('DELETE FROM signing_keys WHERE kid = ?');
  return {
    async list() {
      return list.all().map(signingKeyOf);
    },
    async insert(row: SigningKeyRow) {
      if (insert.run({ ...row }).changes !== 1) throw new StoreError('ERR_STORE_CONFLICT', `signing key ${row.kid} exists`, { details: { reason: 'duplicate', kid: row.kid } });
    },
    async retire(kid, at) {
      return retire.run(at, kid).changes === 1;
    },
    async delete(kid) {
      return remove.run(kid).changes === 1;
    },
  };
}
