/**
 * The audit log: an INSERT that lands only when it extends the head (seq and prevHash checked in
 * the statement). A concurrent twin of the same seq waits on the primary key and then does
 * nothing (ON CONFLICT), so the loser sees a conflict, not an aborted transaction. Rows already
 * committed never change (triggers), so the head a statement reads stays true.
 *
 * Every change of the coordinator appends to this one chain, so writers that read the head in a
 * transaction (to sign the next entry) would, under concurrent transactions, mostly read the same
 * head and all but one fail. Reading the head inside a transaction therefore first takes a
 * transaction-scoped advisory lock (confide_audit_head_for_append, migration 1): appenders queue
 * on it, and each reads (a new statement, a new snapshot) the head the one before it committed,
 * as on SQLite's single writer.
 */
import { StoreError } from '../../errors.js';
import type { AuditLogRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { auditOf, type AuditColumns } from '../../records.js';
import { int } from './rows.js';


function conflict(seq: number): StoreError {
  return new StoreError('ERR_STORE_CONFLICT', `audit entry ${seq} does not extend the log's head`, { details: { reason: 'sequence', seq } });
}

export function auditLogOn(sql: Sql): AuditLogRepository {
  return {
    async head() {
      // In a transaction: the head under the chain's lock (migration 1's function), in one round trip.
      const { rows } = await sql.query<{ seq: string; hash: string }>(
        sql.inTransaction ? 'SELECT seq, hash FROM confide_audit_head_for_append()' : 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
      );
      const row = rows[0];
      return row && { seq: int(row.seq), hash: row.hash };
    },
    async append(row) {
      if (!Number.isSafeInteger(row.seq) || row.seq < 1) throw conflict(row.seq);
      const { rowCount } = await sql.query(
        `INSERT INTO audit_log (seq, prev_hash, hash, entry) SELECT $1::bigint, $2, $3, $4
         WHERE COALESCE((SELECT MAX(seq) FROM audit_log), 0) = $1::bigint - 1
           AND ($1::bigint = 1 OR EXISTS (SELECT 1 FROM audit_log WHERE seq = $1::bigint - 1 AND hash = $2))
         ON CONFLICT (seq) DO NOTHING`,
        [row.seq, row.prevHash, row.hash, row.entry],
      );
      if (rowCount !== 1) throw conflict(row.seq);
    },
    async list() {
      const { rows } = await sql.query<AuditColumns>('SELECT seq, prev_hash, hash, entry FROM audit_log ORDER BY seq');
      return rows.map(auditOf);
    },
  };
}
