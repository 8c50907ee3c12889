/** Token signing keys: certificate in clear, private key sealed by the caller; insert once, retire once (conditional statements). */
import { StoreError } from '../../errors.js';
import type { SigningKeysRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { signingKeyOf, type SigningKeyColumns } from '../../records.js';


export function signingKeysOn(sql: Sql): SigningKeysRepository {
  return {
    async list() {
      const { rows } = await sql.query<SigningKeyColumns>('SELECT kid, created_at, retired_at, certificate_der, sealed_private_key FROM signing_keys ORDER BY created_at, kid');
      return rows.map(signingKeyOf);
    },
    async insert(row) {
      const { rowCount } = await sql.query(
        'INSERT INTO signing_keys (kid, created_at, retired_at, certificate_der, sealed_private_key) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kid) DO NOTHING',
        [row.kid, row.createdAt, row.retiredAt, row.certificateDer, row.sealedPrivateKey],
      );
      if (rowCount !== 1) throw new StoreError('ERR_STORE_CONFLICT', `signing key ${row.kid} exists`, { details: { reason: 'duplicate', kid: row.kid } });
    },
    async retire(kid, at) {
      return (await sql.query('UPDATE signing_keys SET retired_at = $1 WHERE kid = $2 AND retired_at IS NULL', [at, kid])).rowCount === 1;
    },
    async delete(kid) {
      return (await sql.query('DELETE FROM signing_keys WHERE kid = $1', [kid])).rowCount === 1;
    },
  };
}
