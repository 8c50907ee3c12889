/** The ledger identity row: written once, by a conditional insert. */
import type { LedgerIdentityRepository } from '../../port.js';
import { ledgerIdentityOf, type LedgerIdentityColumns } from '../../records.js';
import type { Db } from './db.js';


export function ledgerIdentityOn(db: Db): LedgerIdentityRepository {
  const get = db.prepare<[], LedgerIdentityColumns>('SELECT service_certificate, sealed_service_key, node_certificate, sealed_node_key, created_at FROM ledger_identity WHERE id = 1');
  const put = db.prepare(
    'INSERT INTO ledger_identity (id, service_certificate, sealed_service_key, node_certificate, sealed_node_key, created_at) VALUES (1, @serviceCertificate, @sealedServiceKey, @nodeCertificate, @sealedNodeKey, @createdAt) ON CONFLICT (id) DO NOTHING',
  );
  return {
    async get() {
      const r = get.get();
      return r && ledgerIdentityOf(r);
    },
    async put(row) {
      return put.run({ ...row }).changes === 1;
    },
  };
}
