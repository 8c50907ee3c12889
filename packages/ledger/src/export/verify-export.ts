/**
 * Offline verification of a ledger export: every transaction replayed (place, exact body, digests
 * recomputed, each signature transaction signing the root of everything before it), every
 * signature transaction's signature checked under its node certificate and that certificate's
 * endorsement by the service identity, and, for receipts a client kept, that the ledger still
 * holds what they prove. The first bad transaction is reported by id, with a stable code.
 */
import { fromHex, isConfideError, toHex } from '@confide/core';
import { parseServiceIdentity, type CcfCertificate } from '../certificates/ccf-certificate.js';
import { LedgerError, type LedgerErrorCode } from '../errors.js';
import { formatTransactionId, parseTransactionId } from '../leaf/commit-evidence.js';
import { leafHash } from '../leaf/leaf.js';
import { sha256, webHashes, type LedgerHashes } from '../merkle/hash.js';
import { MerkleTree } from '../merkle/tree.js';
import { verifyReceipt } from '../receipt/verify.js';
import { LedgerReplay } from '../replay/replay.js';
import { verifySignedRoot, type SignedRoot } from '../signed-root/signed-root.js';
import { parseLedgerExport } from './format.js';

export interface VerifyExportOptions {
  /** The service identity (PEM) to check against; without it the export's embedded one is used, and the report says so. */
  serviceIdentity?: string;
  /** Receipt documents a client kept: each must still be proven by the ledger (a cut tail is found this way). */
  receipts?: readonly unknown[];
  /** Synchronous hashes (node:crypto) for speed; default WebCrypto. */
  hashes?: LedgerHashes;
  /** Synchronous SHA-256 for the tree, with `hashes`. */
  treeSha256?: (data: Uint8Array) => Uint8Array;
}

export interface LedgerExportReport {
  transactions: number;
  entries: number;
  signatures: number;
  /** The last signature transaction, and the root it signs (hex); null when none. */
  lastSignature: { transactionId: string; treeSize: number; root: string } | null;
  /** Entries after the last signature transaction: Pending, not yet covered by a signature. */
  unsignedEntries: number;
  identity: { source: 'given' | 'embedded'; sha256: string; embedded: 'absent' | 'same' | 'different' };
  receiptsChecked: number;
}

const SIGNATURE_CHUNK = 64;

/**
 * Verifies export `text`. Throws ERR_LEDGER_EXPORT_MALFORMED, ERR_LEDGER_TX_OUT_OF_SEQUENCE,
 * ERR_LEDGER_TX_ALTERED, ERR_LEDGER_ROOT_MISMATCH, ERR_LEDGER_SIGNATURE_INVALID, ERR_LEDGER_TRUNCATED
 * (each with details.transactionId: the first bad one), what verifyReceipt throws for a kept receipt
 * that does not verify by itself, and ERR_USAGE when no identity is given or embedded.
 */
export async function verifyLedgerExport(text: string, options: VerifyExportOptions = {}): Promise<LedgerExportReport> {
  const { header, records } = parseLedgerExport(text);
  const identityPem = options.serviceIdentity ?? header.serviceIdentity;
  if (identityPem === null) throw new LedgerError('ERR_USAGE', 'the export embeds no service identity: give one (--identity)');
  const identity = parseServiceIdentity(identityPem);
  const embedded = header.serviceIdentity === null ? 'absent' : toHex(parseServiceIdentity(header.serviceIdentity).raw) === toHex(identity.raw) ? 'same' : 'different';
  const hashes = options.hashes ?? webHashes;
  const tree = new MerkleTree(options.treeSha256 ? { sha256: options.treeSha256 } : {});
  const replay = new LedgerReplay({ view: header.view, hashes, tree });

  let structural: LedgerError | undefined;
  for (const record of records) {
    try {
      await replay.add(record);
    } catch (err) {
      if (!isConfideError(err)) throw err;
      structural = err as LedgerError;
      break;
    }
  }
  // Signatures before the first structural failure: a bad one there is the first bad transaction.
  await checkSignatures(replay.signatures, identity, header.view);
  if (structural) throw structural;

  const receiptsChecked = await checkReceipts(options.receipts ?? [], replay, tree, identity, header.view);
  const last = replay.signatures.at(-1);
  const txs = replay.transactions;
  return {
    transactions: txs.length,
    entries: txs.filter((t) => t.entry).length,
    signatures: replay.signatures.length,
    lastSignature: last ? { transactionId: formatTransactionId({ view: header.view, seqno: last.seqno }), treeSize: last.signed.treeSize, root: toHex(await sha256(fromHex(last.signed.rootPreimage), hashes)) } : null,
    unsignedEntries: txs.slice(last?.seqno ?? 0).filter((t) => t.entry).length,
    identity: { source: options.serviceIdentity ? 'given' : 'embedded', sha256: toHex(await sha256(identity.raw)), embedded },
    receiptsChecked,
  };
}

const REASONS: Partial<Record<LedgerErrorCode, string>> = { ERR_LEDGER_ENDORSEMENT_INVALID: 'endorsement', ERR_LEDGER_RECEIPT_INVALID: 'signature' };

async function checkSignatures(signatures: readonly { seqno: number; signed: SignedRoot }[], identity: CcfCertificate, view: number): Promise<void> {
  for (let i = 0; i < signatures.length; i += SIGNATURE_CHUNK) {
    const chunk = signatures.slice(i, i + SIGNATURE_CHUNK);
    const results = await Promise.all(chunk.map((s) => verifySignedRoot(s.signed, identity).then(() => undefined, (err: unknown) => err)));
    const bad = results.findIndex((r) => r !== undefined);
    if (bad < 0) continue;
    const err = results[bad];
    const transactionId = formatTransactionId({ view, seqno: chunk[bad]!.seqno });
    const reason = (isConfideError(err) && REASONS[err.code as LedgerErrorCode]) || 'malformed';
    throw new LedgerError('ERR_LEDGER_SIGNATURE_INVALID', `transaction ${transactionId}: its signature ${reason === 'endorsement' ? 'is by a node certificate the service identity does not endorse' : 'does not verify'}`, { details: { transactionId, reason }, cause: err });
  }
}

/**
 * Each kept receipt must verify, its transaction must still be in the ledger with the same leaf,
 * and the ledger's first signature covering it must sign the receipt's root.
 */
async function checkReceipts(receipts: readonly unknown[], replay: LedgerReplay, tree: MerkleTree, identity: CcfCertificate, view: number): Promise<number> {
  const size = replay.size;
  const missing = formatTransactionId({ view, seqno: size + 1 });
  for (const doc of receipts) {
    const r = await verifyReceipt(doc, { serviceIdentity: identity });
    const seqno = parseTransactionId(r.transactionId)!.seqno;
    if (seqno > size) throw new LedgerError('ERR_LEDGER_TRUNCATED', `the ledger ends at ${formatTransactionId({ view, seqno: size })}, a kept receipt proves ${r.transactionId}`, { details: { transactionId: missing, receipt: r.transactionId } });
    const tx = replay.transactions[seqno - 1]!;
    if (toHex(await leafHash(tx.components)) !== r.leaf) throw mismatch(r.transactionId, `the ledger holds another transaction at ${r.transactionId} than a kept receipt proves`);
    const covering = replay.signatures.find((s) => s.signed.treeSize >= seqno);
    if (!covering) throw new LedgerError('ERR_LEDGER_TRUNCATED', `no signature transaction in the ledger covers ${r.transactionId}, which a kept receipt proves signed: the tail was cut`, { details: { transactionId: missing, receipt: r.transactionId } });
    if (toHex(await tree.root(covering.signed.treeSize)) !== r.root) throw mismatch(formatTransactionId({ view, seqno: covering.seqno }), `the ledger signs another root here than a kept receipt for ${r.transactionId} proves`);
  }
  return receipts.length;
}

function mismatch(transactionId: string, message: string): LedgerError {
  return new LedgerError('ERR_LEDGER_ROOT_MISMATCH', message, { details: { transactionId, reason: 'receipt' } });
}
