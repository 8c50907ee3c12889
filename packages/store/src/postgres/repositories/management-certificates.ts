/**
 * Policy-management certificates. "Never remove the last one" reads the table it writes, which
 * READ COMMITTED alone would let two removals each pass; so a removal first locks every row
 * (SELECT ... FOR UPDATE, in thumbprint order so removers never deadlock), and its DELETE, a new
 * statement with a new snapshot, then sees what the removers before it committed. Seeding locks
 * the table, so two first starts cannot both seed.
 */
import type { ManagementCertificateRow, ManagementCertificatesRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { certificateOf, type ManagementCertificateColumns } from '../../records.js';


const ADD = 'INSERT INTO management_certificates (thumbprint, der, added_at, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT (thumbprint) DO NOTHING';
const values = (row: ManagementCertificateRow): unknown[] => [row.thumbprint, row.der, row.addedAt, row.addedBy];

export function managementCertificatesOn(sql: Sql): ManagementCertificatesRepository {
  return {
    async list() {
      const { rows } = await sql.query<ManagementCertificateColumns>('SELECT thumbprint, der, added_at, added_by FROM management_certificates ORDER BY thumbprint');
      return rows.map(certificateOf);
    },
    async add(row) {
      return (await sql.query(ADD, values(row))).rowCount === 1;
    },
    async seed(rows) {
      return sql.together(async (tx) => {
        await tx.query('LOCK TABLE management_certificates IN SHARE ROW EXCLUSIVE MODE');
        const { rows: any } = await tx.query('SELECT 1 FROM management_certificates LIMIT 1');
        if (any.length > 0) return 0;
        let stored = 0;
        for (const row of rows) stored += (await tx.query(ADD, values(row))).rowCount;
        return stored;
      });
    },
    async removeUnlessLast(thumbprint) {
      return sql.together(async (tx) => {
        await tx.query('SELECT thumbprint FROM management_certificates ORDER BY thumbprint FOR UPDATE');
        const removed = await tx.query(
          'DELETE FROM management_certificates WHERE thumbprint = $1 AND EXISTS (SELECT 1 FROM management_certificates AS other WHERE other.thumbprint <> management_certificates.thumbprint)',
          [thumbprint],
        );
        if (removed.rowCount === 1) return 'removed';
        const { rows } = await tx.query('SELECT 1 FROM management_certificates WHERE thumbprint = $1', [thumbprint]);
        return rows.length > 0 ? 'last' : 'absent';
      });
    },
  };
}
