/**
 * CCF's commit evidence: `ce:<view>.<seqno>:<hex>`, where the hex is a per-transaction digest
 * that CCF reveals only once the transaction is committed, so a receipt cannot be forged for a
 * transaction that was rolled back (CCF doc/use_apps/verify_tx.rst).
 */
import { fromHex, toHex } from '@confide/core';
import { LedgerError } from '../errors.js';

/** A CCF transaction id: view and sequence number, written `view.seqno`. */
export interface TransactionId {
  view: number;
  seqno: number;
}

const COMMIT_EVIDENCE = /^ce:(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15}):([0-9a-f]{64})$/;
const TRANSACTION_ID = /^(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15})$/;

/** `view.seqno`. */
export function formatTransactionId(id: TransactionId): string {
  return `${id.view}.${id.seqno}`;
}

/** Reads `view.seqno` (decimal, no leading zeros, so one id has one spelling); undefined when it is not one. */
export function parseTransactionId(text: string): TransactionId | undefined {
  const m = TRANSACTION_ID.exec(text);
  if (!m) return undefined;
  const id = { view: Number(m[1]), seqno: Number(m[2]) };
  return Number.isSafeInteger(id.view) && Number.isSafeInteger(id.seqno) ? id : undefined;
}

/** `ce:view.seqno:<64 lower-case hex>` of a 32-byte commit secret. */
export function formatCommitEvidence(id: TransactionId, secret: Uint8Array): string {
  return `ce:${formatTransactionId(id)}:${toHex(secret)}`;
}

/** The transaction id a commit evidence names. Throws ERR_LEDGER_RECEIPT_MALFORMED. */
export function parseCommitEvidence(text: string): TransactionId {
  const m = COMMIT_EVIDENCE.exec(text);
  const id = m ? parseTransactionId(`${m[1]}.${m[2]}`) : undefined;
  if (!id) throw new LedgerError('ERR_LEDGER_RECEIPT_MALFORMED', 'commitEvidence is not ce:<view>.<seqno>:<64 lower-case hex>', { details: { field: 'leafComponents.commitEvidence' } });
  return id;
}

/** The 32-byte secret a commit evidence carries (its 64 hex digits). Throws ERR_LEDGER_RECEIPT_MALFORMED. */
export function commitEvidenceSecret(text: string): Uint8Array {
  parseCommitEvidence(text);
  return fromHex(text.slice(-64));
}
