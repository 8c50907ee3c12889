/**
 * Policy-management certificates. "Never remove the last one" is one DELETE whose condition
 * reads the table it writes; SQLite runs one writer at a time, and a PostgreSQL engine must
 * lock the rows first (SELECT ... FOR UPDATE) so two removals cannot each see the other's row.
 */
import type { ManagementCertificateRow, ManagementCertificatesRepository } from '../../port.js';
import { certificateOf, type ManagementCertificateColumns } from '../../records.js';
import type { Db } from './db.js';


export function managementCertificatesOn(db: Db): ManagementCertificatesRepository {
  const list = db.prepare<[], ManagementCertificateColumns>('SELECT thumbprint, der, added_at, added_by FROM management_certificates ORDER BY thumbprint');
  const add = db.prepare(
    'INSERT INTO management_certificates (thumbprint, der, added_at, added_by) VALUES (@thumbprint, @der, @addedAt, @addedBy) ON CONFLICT (thumbprint) DO NOTHING',
  );
  const any = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM management_certificates');
  const exists = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM management_certificates WHERE thumbprint = ?');
  const removeUnlessLast = db.prepare(
    'DELETE FROM management_certificates WHERE thumbprint = ? AND EXISTS (SELECT 1 FROM management_certificates AS other WHERE other.thumbprint <> management_certificates.thumbprint)',
  );
  const params = (row: ManagementCertificateRow): Record<string, unknown> => ({ thumbprint: row.thumbprint, der: row.der, addedAt: row.addedAt, addedBy: row.addedBy });

  const seed = db.transaction((rows: ManagementCertificateRow[]): number => {
    if ((any.get()?.n ?? 0) > 0) return 0;
    let stored = 0;
    for (const row of rows) stored += add.run(params(row)).changes;
    return stored;
  });

  return {
    async list() {
      return list.all().map(certificateOf);
    },
    async add(row) {
      return add.run(params(row)).changes === 1;
    },
    async seed(rows) {
      return seed(rows);
    },
    async removeUnlessLast(thumbprint) {
      if (removeUnlessLast.run(thumbprint).changes === 1) return 'removed';
      return (exists.get(thumbprint)?.n ?? 0) > 0 ? 'last' : 'absent';
    },
  };
}
