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
 *
 * Within one process the transactions take turns instead, and once the process trusts its
 * knowledge of the head it gives it without a read (audit-chain.ts). An append that extends the
 * head its transaction was given is sent with the COMMIT (confide_audit_append, migration 6,
 * checks it under the lock and fails the transaction if it does not extend the committed head;
 * migration 9's form first waits for the end of the transaction whose turn came before).
 */
import { StoreError } from '../../errors.js';
import type { AuditLogRepository } from '../../port.js';
import { rerunError, type Sql } from '../sql.js';
import { TAKE_TURN_TOKEN, type AuditChain, type ChainHead, type Turn } from '../audit-chain.js';
import { auditOf, type AuditColumns } from '../../records.js';
import { int } from './rows.js';


/** An append that extends the head its transaction was given, after the turn before ended (migration 9). */
const APPEND_AFTER = 'SELECT confide_audit_append($1::bigint, $2, $3, $4, $5::bigint)';

function conflict(seq: number): StoreError {
  return new StoreError('ERR_STORE_CONFLICT', `audit entry ${seq} does not extend the log's head`, { details: { reason: 'sequence', seq } });
}

export function auditLogOn(sql: Sql, chain: AuditChain): AuditLogRepository {
  // In a transaction: whether it has its turn at the chain, and the head head() gave it (null: the
  // log was empty), which an append that extends it sends with the COMMIT (audit-chain.ts).
  let turn: Promise<Turn> | undefined;
  let given: ChainHead | null | undefined;
  return {
    async head() {
      const tx = sql.tx;
      if (tx === undefined) {
        const { rows } = await sql.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
        return rowHead(rows[0]);
      }
      // A transaction whose process trusts the head it left settles nothing before its turn, and
      // its turn waits for no answer of its own, so a turn is never held waiting for a row lock:
      // everything goes out with the COMMIT, in one write, its token lock first (answered apart
      // from the statements behind it, which may wait for a lock), which the next turn's
      // statements wait for (Turn.afterHeld). The head it gives is the one the turn before left,
      // known once its turn came; if the head is no longer trusted by then (a transaction before
      // it failed), it runs again, to read it settled. Otherwise its statements are answered (it
      // settles) before it queues for its turn: one that reads the head waits for that answer
      // holding the turn, so it must hold every row lock it waits for before (sql.ts TxHooks.settle).
      // A transaction that asked for the head waits for no answer before its commit (its appends
      // go out with the COMMIT).
      if (turn === undefined) {
        if (chain.guess()) {
          await tx.beforeGuessedTurn([APPEND_AFTER]);
          const token = chain.token();
          turn = chain.turn(tx, token, tx.sendTurnToken(TAKE_TURN_TOKEN, [token]), false);
          await turn;
          const guessed = chain.guess();
          if (guessed === undefined) throw rerunError('the audit head is no longer trusted');
          return (given = guessed);
        }
        const token = tx.alone() ? null : chain.token();
        const held = token === null ? Promise.resolve() : tx.send(TAKE_TURN_TOKEN, [token]);
        await tx.settle();
        turn = chain.turn(tx, token, held, true);
      }
      const { readAfter, afterHeld } = await turn;
      if (given !== undefined) return given ?? undefined;
      const guessed = chain.guess();
      if (guessed) return (given = guessed);
      await afterHeld;
      // The head under the chain's lock once the turn before ended (migration 9's function; Turn.readAfter), in one round trip.
      const { rows } = await sql.query<{ seq: string; hash: string }>('SELECT seq, hash FROM confide_audit_head_for_append($1::bigint)', [readAfter]);
      const head = rowHead(rows[0]);
      chain.read(head);
      given = head ?? null;
      return head;
    },
    async append(row) {
      if (!Number.isSafeInteger(row.seq) || row.seq < 1) throw conflict(row.seq);
      const tx = sql.tx;
      if (tx !== undefined && given !== undefined && row.seq === (given?.seq ?? 0) + 1 && (given === null || row.prevHash === given.hash)) {
        const { after, afterHeld, gate } = await turn!;
        await afterHeld;
        gate(tx.send(APPEND_AFTER, [row.seq, row.prevHash, row.hash, row.entry, after]));
        given = { seq: row.seq, hash: row.hash };
        chain.appended(given, tx);
        return;
      }
      const { rowCount } = await sql.query(
        `INSERT INTO audit_log (seq, prev_hash, hash, entry) SELECT $1::bigint, $2, $3, $4
         WHERE COALESCE((SELECT MAX(seq) FROM audit_log), 0) = $1::bigint - 1
           AND ($1::bigint = 1 OR EXISTS (SELECT 1 FROM audit_log WHERE seq = $1::bigint - 1 AND hash = $2))
         ON CONFLICT (seq) DO NOTHING`,
        [row.seq, row.prevHash, row.hash, row.entry],
      );
      if (rowCount !== 1) throw conflict(row.seq);
    },
    async list(afterSeq = 0) {
      const { rows } = await sql.query<AuditColumns>('SELECT seq, prev_hash, hash, entry FROM audit_log WHERE seq > $1::bigint ORDER BY seq', [afterSeq]);
      return rows.map(auditOf);
    },
  };
}

function rowHead(row: { seq: string; hash: string } | undefined): ChainHead | undefined {
  return row && { seq: int(row.seq), hash: row.hash };
}
