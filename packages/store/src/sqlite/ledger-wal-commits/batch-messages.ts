/** What the main thread and the ledger commit thread (commit-thread.ts, commit-thread-worker.ts) say to each other. */
import type { LedgerTransactionRow } from '../../port.js';

/**
 * A batch travels as one flat array, six values a row (seqno, kind, body, commitEvidence,
 * writeSetDigest, claimsDigest): structured clone copies it at about a third of the cost of an
 * array of row objects, whose property names it would write for every row.
 */
export type CommitRequest = { kind: 'commit'; id: number; flat: (string | number)[] } | { kind: 'close' };

/** The thread's first message once its connection is open, then one answer per commit. */
export type CommitAnswer = { kind: 'ready' } | { kind: 'committed'; id: number; error?: CommitFailure };

/** Why a commit failed: a ConfideError's code and details, or SQLite's code (when it has one) and the message. */
export interface CommitFailure {
  code?: string;
  message: string;
  details?: Record<string, unknown> | undefined;
}

const FIELDS = 6;

export function flatten(rows: readonly LedgerTransactionRow[]): (string | number)[] {
  const flat = new Array<string | number>(rows.length * FIELDS);
  let k = 0;
  for (const r of rows) {
    flat[k++] = r.seqno;
    flat[k++] = r.kind;
    flat[k++] = r.body;
    flat[k++] = r.commitEvidence;
    flat[k++] = r.writeSetDigest;
    flat[k++] = r.claimsDigest;
  }
  return flat;
}

export function unflatten(flat: readonly (string | number)[]): LedgerTransactionRow[] {
  const rows: LedgerTransactionRow[] = [];
  for (let k = 0; k < flat.length; k += FIELDS) {
    rows.push({ seqno: flat[k] as number, kind: flat[k + 1] as LedgerTransactionRow['kind'], body: flat[k + 2] as string, commitEvidence: flat[k + 3] as string, writeSetDigest: flat[k + 4] as string, claimsDigest: flat[k + 5] as string });
  }
  return rows;
}
