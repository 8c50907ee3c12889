/**
 * The ledger's transactions: each INSERT lands only at the next seqno (checked in the statement;
 * the primary key refuses a concurrent twin), a batch in one transaction, and triggers refuse
 * UPDATE and DELETE.
 *
 * A ledger write must survive power loss, not only a crash of the process: the ledger answers an
 * append once it is written, and a lost tail would let the ledger sign a different history at
 * seqnos it already answered for. So its commit here syncs the WAL (synchronous=FULL; on a file the engine's
 * LedgerWalCommits syncs the WAL itself after each commit instead) while the rest of
 * the store keeps NORMAL (WAL written on commit, synced at checkpoints: a crash of the process
 * loses nothing, a power loss may lose the last commits). SQLite refuses to change the level
 * inside a transaction, so an append inside `store.tx` asks the engine to sync the WAL after that
 * transaction commits (`DurableCommits`).
 */
import type { ConfideError } from '@confide/core';
import { StoreError } from '../../errors.js';
import type { LedgerTransactionRow, LedgerTransactionsRepository } from '../../port.js';
import { ledgerTransactionOf, type LedgerTransactionColumns } from '../../records.js';
import type Database from 'better-sqlite3';
import type { Db, DurableCommits } from './db.js';

function conflict(seqno: number, cause?: unknown): ConfideError {
  return new StoreError('ERR_STORE_CONFLICT', `ledger transaction ${seqno} does not continue the ledger`, { details: { reason: 'sequence', seqno }, ...(cause ? { cause } : {}) });
}

/**
 * The batch insert on `db`: one transaction per call, each row at the next seqno. Throws
 * ERR_STORE_CONFLICT for a row that does not continue the ledger. Also run by LedgerWalCommits.
 */
export function ledgerAppender(db: Db): Database.Transaction<(rows: readonly LedgerTransactionRow[]) => void> {
  const head = db.prepare<[], { seqno: number }>('SELECT COALESCE(MAX(seqno), 0) AS seqno FROM ledger_transactions');
  const insert = db.prepare<[number, string, string, string, string, string]>(
    'INSERT INTO ledger_transactions (seqno, kind, body, commit_evidence, write_set_digest, claims_digest) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // The head is read once per batch under the write lock (BEGIN IMMEDIATE, or the caller's
  // transaction), so no other writer moves it before the rows land; the primary key refuses a twin.
  return db.transaction((rows: readonly LedgerTransactionRow[]) => {
    let next = head.get()!.seqno + 1;
    for (const row of rows) {
      if (row.seqno !== next) throw conflict(row.seqno);
      try {
        insert.run(row.seqno, row.kind, row.body, row.commitEvidence, row.writeSetDigest, row.claimsDigest);
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw conflict(row.seqno, err);
        throw err;
      }
      next += 1;
    }
  });
}

export function ledgerTransactionsOn(db: Db, durable: DurableCommits): LedgerTransactionsRepository {
  const head = db.prepare<[], { seqno: number }>('SELECT COALESCE(MAX(seqno), 0) AS seqno FROM ledger_transactions');
  const range = db.prepare<[number, number], LedgerTransactionColumns>('SELECT * FROM ledger_transactions WHERE seqno >= ? AND seqno <= ? ORDER BY seqno');
  const appendAll = ledgerAppender(db);
  return {
    async head() {
      return head.get()!.seqno;
    },
    async append(rows) {
      if (db.inTransaction) {
        appendAll(rows);
        durable.syncAfterCommit = true;
        return;
      }
      db.pragma('synchronous = FULL');
      try {
        appendAll.immediate(rows);
      } finally {
        db.pragma('synchronous = NORMAL');
      }
    },
    async range(from, to) {
      return range.all(from, to).map(ledgerTransactionOf);
    },
  };
}
