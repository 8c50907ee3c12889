/**
 * `confide ledger verify <export>`: an export replayed offline (docs/ledger.md): every leaf,
 * every signature transaction (signature, node certificate endorsed by the service identity),
 * the chain of roots, and kept receipts against a cut tail. The first bad transaction is named.
 */
import { verifyLedgerExport, type LedgerExportReport } from '@confide/ledger';
import { nodeLedgerCrypto } from '@confide/server/ledger-durable';
import { readInput, readJsonInput } from '../client/files.js';

export interface VerifyFlags {
  identity?: string;
  receipt?: string[];
}

const text = async (path: string, what: string) => Buffer.from(await readInput(path, what)).toString('utf8');

/** Verifies the export in `file`. Throws what verifyLedgerExport throws and ERR_INPUT_UNREADABLE. */
export async function verifyExportFile(file: string, flags: VerifyFlags): Promise<LedgerExportReport> {
  const [exported, identity, receipts] = await Promise.all([
    text(file, 'export'),
    flags.identity === undefined ? undefined : text(flags.identity, '--identity'),
    Promise.all((flags.receipt ?? []).map((r) => readJsonInput(r, '--receipt'))),
  ]);
  const crypto = nodeLedgerCrypto();
  return verifyLedgerExport(exported, { ...(identity ? { serviceIdentity: identity } : {}), receipts, hashes: crypto, treeSha256: crypto.sha256 });
}

/** The report as the command prints it. */
export function describeReport(r: LedgerExportReport): string {
  const id = r.identity;
  const identity =
    id.source === 'given'
      ? `service identity: given, sha256 ${id.sha256}${id.embedded === 'different' ? ' (the export embeds a DIFFERENT one)' : id.embedded === 'same' ? ' (the export embeds the same)' : ''}`
      : `service identity: the export's own, sha256 ${id.sha256}: not pinned; give --identity with one you trust`;
  return [
    `Ledger verified: ${r.transactions} transactions (${r.entries} entries, ${r.signatures} signature transactions)`,
    r.lastSignature ? `  last signature ${r.lastSignature.transactionId} over ${r.lastSignature.treeSize} transactions, root ${r.lastSignature.root}` : '  no signature transaction yet',
    `  ${r.unsignedEntries} entries after the last signature (Pending)`,
    `  ${identity}`,
    r.receiptsChecked > 0 ? `  ${r.receiptsChecked} kept receipts still proven` : '  no kept receipts given: a tail cut after a signature cannot be told from a shorter ledger (give --receipt)',
  ].join('\n');
}
