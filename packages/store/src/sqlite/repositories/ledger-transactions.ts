/**
 * The ledger's transactions: each INSERT lands only at the next seqno (checked in the statement;
 * the primary key refuses a concurrent twin), a batch in one transaction, and triggers refuse
 * UPDATE and DELETE.
 */
import type { ConfideError } from '@confide/core';
import { StoreError } from '../../errors.js';
import type { LedgerTransactionRow, LedgerTransactionsRepository } from '../../port.js';
import type { Db } from './db.js';

interface Row {
  seqno: number;
  kind: 'entry' | 'signature';
  body: string;
  commit_evidence: string;
  write_set_digest: string;
  claims_digest: string;
}

function conflict(seqno: number, cause?: unknown): ConfideError {
  return new StoreError('ERR_STORE_CONFLICT', `ledger transaction ${seqno} does not continue the ledger`, { details: { reason: 'sequence', seqno }, ...(cause ? { cause } : {}) });
}

export function ledgerTransactionsOn(db: Db): LedgerTransactionsRepository {
  const head = db.prepare<[], { seqno: number }>('SELECT COALESCE(MAX(seqno), 0) AS seqno FROM ledger_transactions');
  const insert = db.prepare(
    `INSERT INTO ledger_transactions (seqno, kind, body, commit_evidence, write_set_digest, claims_digest)
     SELECT @seqno, @kind, @body, @commitEvidence, @writeSetDigest, @claimsDigest
     WHERE COALESCE((SELECT MAX(seqno) FROM ledger_transactions), 0) = @seqno - 1`,
  );
  const range = db.prepare<[number, number], Row>('SELECT * FROM ledger_transactions WHERE seqno >= ? AND seqno <= ? ORDER BY seqno');
  const appendAll = db.transaction((rows: readonly LedgerTransactionRow[]) => {
    for (const row of rows) {
      if (!Number.isSafeInteger(row.seqno) || row.seqno < 1) throw conflict(row.seqno);
      let changes: number;
      try {
        changes = insert.run({ ...row }).changes;
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw conflict(row.seqno, err);
        throw err;
      }
      if (changes !== 1) throw conflict(row.seqno);
    }
  });
  return {
    async head() {
      return head.get()!.seqno;
    },
    async append(rows) {
      appendAll(rows);
    },
    async range(from, to) {
      return range.all(from, to).map((r) => ({ seqno: r.seqno, kind: r.kind, body: r.body, commitEvidence: r.commit_evidence, writeSetDigest: r.write_set_digest, claimsDigest: r.claims_digest }));
    },
  };
}
