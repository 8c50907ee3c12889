/**
 * The audit log: an INSERT that only lands when it extends the head (seq and prevHash checked
 * in the statement; the seq primary key refuses a concurrent twin), and triggers that refuse
 * UPDATE and DELETE.
 */
import type { ConfideError } from '@confide/core';
import { StoreError } from '../../errors.js';
import type { AuditLogRepository, AuditRow } from '../../port.js';
import { auditOf, type AuditColumns } from '../../records.js';
import type { Db } from './db.js';


function conflict(seq: number, cause?: unknown): ConfideError {
  return new StoreError('ERR_STORE_CONFLICT', `audit entry ${seq} does not extend the log's head`, { details: { reason: 'sequence', seq }, ...(cause ? { cause } : {}) });
}

export function auditLogOn(db: Db): AuditLogRepository {
  const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const append = db.prepare(
    `INSERT INTO audit_log (seq, prev_hash, hash, entry) SELECT @seq, @prevHash, @hash, @entry
     WHERE COALESCE((SELECT MAX(seq) FROM audit_log), 0) = @seq - 1
       AND (@seq = 1 OR EXISTS (SELECT 1 FROM audit_log WHERE seq = @seq - 1 AND hash = @prevHash))`,
  );
  const list = db.prepare<[number], AuditColumns>('SELECT seq, prev_hash, hash, entry FROM audit_log WHERE seq > ? ORDER BY seq');
  return {
    async head() {
      return head.get();
    },
    async append(row: AuditRow) {
      if (!Number.isSafeInteger(row.seq) || row.seq < 1) throw conflict(row.seq);
      let changes: number;
      try {
        changes = append.run({ seq: row.seq, prevHash: row.prevHash, hash: row.hash, entry: row.entry }).changes;
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw conflict(row.seq, err);
        throw err;
      }
      if (changes !== 1) throw conflict(row.seq);
    },
    async list(afterSeq = 0) {
      return list.all(afterSeq).map(auditOf);
    },
  };
}
