/**
 * A ledger entry's receipt verified in the page with @confide/ledger: the Merkle proof from the
 * entry's leaf to the root the node signed, the node's endorsement by the service identity, and
 * the claims digest computed from the entry as the page shows it (so the receipt is for exactly
 * these contents in this collection).
 */
import { LEDGER_ENTRY_V1, verifyReceipt, type CcfCertificate, type VerifiedReceipt } from '@confide/ledger';
import type { Api } from '../api/client.js';

export interface LedgerEntryView {
  transactionId: string;
  collectionId: string;
  contents: string;
}

/** Reads of a receipt after the first while it is not Ready (250 ms apart) before a check gives up as pending. */
export const RECEIPT_POLLS = 20;

export type ReceiptCheck = { state: 'verified'; verified: VerifiedReceipt } | { state: 'pending' } | { state: 'failed'; failure: unknown };

interface ReceiptDocument {
  state: string;
  applicationClaims?: Array<{ kind: string; ledgerEntry?: { secretKey?: string } }>;
}

export async function checkReceipt(api: Api, entry: LedgerEntryView, identity: string | CcfCertificate): Promise<ReceiptCheck> {
  const url = `/app/transactions/${encodeURIComponent(entry.transactionId)}/receipt?api-version=2022-05-13`;
  // As in Azure, the first read of an entry answers Loading and a later one Ready; the SDK polls likewise.
  let doc = await api.json<ReceiptDocument>(url);
  for (let i = 0; i < RECEIPT_POLLS && doc.state !== 'Ready'; i++) {
    await new Promise((done) => setTimeout(done, 250));
    doc = await api.json<ReceiptDocument>(url);
  }
  if (doc.state !== 'Ready') return { state: 'pending' };
  try {
    // The document's secret key with the page's own collection and contents: a receipt for other contents fails.
    const secretKey = doc.applicationClaims?.find((c) => c.kind === 'LedgerEntry')?.ledgerEntry?.secretKey ?? '';
    const verified = await verifyReceipt(doc, {
      serviceIdentity: identity,
      applicationClaims: [{ kind: 'LedgerEntry', ledgerEntry: { collectionId: entry.collectionId, contents: entry.contents, protocol: LEDGER_ENTRY_V1, secretKey } }],
    });
    return { state: 'verified', verified };
  } catch (failure) {
    return { state: 'failed', failure };
  }
}
