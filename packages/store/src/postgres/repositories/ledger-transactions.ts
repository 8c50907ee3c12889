/**
 * The ledger's transactions: each INSERT lands only at the next seqno (checked in the statement;
 * a concurrent twin waits on the primary key, then does nothing), a batch all-or-nothing (a
 * savepoint inside a caller's transaction), and triggers refuse UPDATE, DELETE and TRUNCATE.
 */
import { StoreError } from '../../errors.js';
import type { LedgerTransactionRow, LedgerTransactionsRepository } from '../../port.js';
import type { Sql } from '../sql.js';
import { ledgerTransactionOf, type LedgerTransactionColumns } from '../../records.js';
import { int } from './rows.js';


const INSERT = `INSERT INTO ledger_transactions (seqno, kind, body, commit_evidence, write_set_digest, claims_digest)
  SELECT $1::bigint, $2, $3, $4, $5, $6 WHERE COALESCE((SELECT MAX(seqno) FROM ledger_transactions), 0) = $1::bigint - 1
  ON CONFLICT (seqno) DO NOTHING`;

function conflict(seqno: number): StoreError {
  return new StoreError('ERR_STORE_CONFLICT', `ledger transaction ${seqno} does not continue the ledger`, { details: { reason: 'sequence', seqno } });
}

export function ledgerTransactionsOn(sql: Sql): LedgerTransactionsRepository {
  return {
    async head() {
      const { rows } = await sql.query<{ seqno: string }>('SELECT COALESCE(MAX(seqno), 0) AS seqno FROM ledger_transactions');
      return int(rows[0]!.seqno);
    },
    async append(batch: readonly LedgerTransactionRow[]) {
      for (const row of batch) if (!Number.isSafeInteger(row.seqno) || row.seqno < 1) throw conflict(row.seqno);
      await sql.atomic(async (tx) => {
        // The whole batch in one round trip: each INSERT checks the seqno before it, so once one is refused all after it are.
        const inserted = await tx.all(batch.map((row) => [INSERT, [row.seqno, row.kind, row.body, row.commitEvidence, row.writeSetDigest, row.claimsDigest]] as const));
        const refused = inserted.findIndex((r) => r.rowCount !== 1);
        if (refused >= 0) throw conflict(batch[refused]!.seqno);
      });
    },
    async range(from, to) {
      const { rows } = await sql.query<LedgerTransactionColumns>('SELECT seqno, kind, body, commit_evidence, write_set_digest, claims_digest FROM ledger_transactions WHERE seqno >= $1 AND seqno <= $2 ORDER BY seqno', [from, to]);
      return rows.map(ledgerTransactionOf);
    },
  };
}
