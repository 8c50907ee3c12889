/** The ledger identity row: written once, by a conditional insert (ON CONFLICT on the one id orders concurrent first writers). */
import type { LedgerIdentityRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { ledgerIdentityOf, type LedgerIdentityColumns } from '../../records.js';


export function ledgerIdentityOn(sql: Sql): LedgerIdentityRepository {
  return {
    async get() {
      const { rows } = await sql.query<LedgerIdentityColumns>('SELECT service_certificate, sealed_service_key, node_certificate, sealed_node_key, created_at FROM ledger_identity WHERE id = 1');
      return rows[0] && ledgerIdentityOf(rows[0]);
    },
    async put(row) {
      const { rowCount } = await sql.query(
        'INSERT INTO ledger_identity (id, service_certificate, sealed_service_key, node_certificate, sealed_node_key, created_at) VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
        [row.serviceCertificate, row.sealedServiceKey, row.nodeCertificate, row.sealedNodeKey, row.createdAt],
      );
      return rowCount === 1;
    },
  };
}
