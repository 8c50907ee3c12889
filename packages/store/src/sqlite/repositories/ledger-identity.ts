/** The ledger identity row: written once, by a conditional insert. */
import type { LedgerIdentityRepository } from '../../port.js';
import { bytes, type Db } from './db.js';

interface Row {
  service_certificate: string;
  sealed_service_key: Uint8Array;
  node_certificate: string;
  sealed_node_key: Uint8Array;
  created_at: string;
}

export function ledgerIdentityOn(db: Db): LedgerIdentityRepository {
  const get = db.prepare<[], Row>('SELECT service_certificate, sealed_service_key, node_certificate, sealed_node_key, created_at FROM ledger_identity WHERE id = 1');
  const put = db.prepare(
    'INSERT INTO ledger_identity (id, service_certificate, sealed_service_key, node_certificate, sealed_node_key, created_at) VALUES (1, @serviceCertificate, @sealedServiceKey, @nodeCertificate, @sealedNodeKey, @createdAt) ON CONFLICT (id) DO NOTHING',
  );
  return {
    async get() {
      const r = get.get();
      return (
        r && {
          serviceCertificate: r.service_certificate,
          sealedServiceKey: bytes(r.sealed_service_key),
          nodeCertificate: r.node_certificate,
          sealedNodeKey: bytes(r.sealed_node_key),
          createdAt: r.created_at,
        }
      );
    },
    async put(row) {
      return put.run({ ...row }).changes === 1;
    },
  };
}
