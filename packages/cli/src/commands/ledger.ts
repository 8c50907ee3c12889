/**
 * `confide ledger receipt verify`: a Confidential Ledger / CCF receipt checked offline against
 * the ledger's service identity with @confide/ledger (docs/ledger.md).
 */
import { Option, type Command } from 'commander';
import { verifyReceipt } from '@confide/ledger';
import type { Output } from '../output.js';
import { readInput } from '../client/files.js';
import { SUMMARIES } from './summaries.js';
import { exportLedger, type ExportFlags } from './ledger-export.js';
import { describeReport, verifyExportFile, type VerifyFlags } from './ledger-verify.js';

interface ReceiptFlags {
  identity: string;
}

export function ledgerCommand(program: Command, output: () => Output): void {
  const ledger = program.command('ledger').description(SUMMARIES.ledger);
  const receipt = ledger.command('receipt').description('Receipts of ledger transactions.');
  receipt
    .command('verify')
    .description('Verify a receipt offline (CCF rules: leaf, claims digest, root signature, node id, endorsements to the service identity). Exit 2 when it does not verify.')
    .argument('<receipt.json>', 'the receipt document as GET /app/transactions/{id}/receipt answers it, or its bare `receipt` object')
    .requiredOption('--identity <pem>', "the ledger's service identity certificate (PEM, as the identity service's ledgerTlsCertificate)")
    .action(async (file: string, opts: ReceiptFlags) => {
      const [text, identity] = await Promise.all([readInput(file, 'receipt'), readInput(opts.identity, '--identity')]);
      const result = await verifyReceipt(Buffer.from(text).toString('utf8'), { serviceIdentity: Buffer.from(identity).toString('utf8') });
      output().result(
        { ok: true, ...result },
        [`Receipt verified: transaction ${result.transactionId}, root ${result.root}`, `  node ${result.nodeId}; claims digest ${result.claimsDigest}${result.claimsChecked ? ' (application claims checked)' : ''}`].join('\n'),
      );
    });
  ledger
    .command('export')
    .description("Write the ledger's stored transactions, exactly as stored, to a file in the documented NDJSON export (docs/ledger.md).")
    .argument('<file>', 'where to write the export')
    .addOption(new Option('--data-dir <dir>', "the server's data directory: its database is <dir>/confide.sqlite").env('CONFIDE_DATA_DIR').default('./.confide'))
    .option('--store <path>', 'the SQLite database file itself, or the postgres://... URL of the server\'s PostgreSQL store (instead of --data-dir)')
    .option('--identity <pem>', 'the service identity certificate to embed (default: the one the database stores, if any)')
    .action(async (file: string, opts: ExportFlags) => {
      const r = await exportLedger(file, opts);
      output().result({ ok: true, file, ...r }, `Exported ${r.transactions} transactions from ${r.database} to ${file} (service identity: ${r.serviceIdentity})`);
    });
  ledger
    .command('verify')
    .description('Replay a ledger export offline: every leaf, every signature transaction and its endorsement by the service identity, the chain of roots, and kept receipts. Exit 2 naming the first bad transaction.')
    .argument('<export>', 'a file written by `confide ledger export`')
    .option('--identity <pem>', "the ledger's service identity certificate (default: the one the export embeds, reported as not pinned)")
    .option('--receipt <file...>', 'receipts a client kept (GET /app/transactions/{id}/receipt answers): each must still be proven, which finds a tail cut after a signature')
    .action(async (file: string, opts: VerifyFlags) => {
      const report = await verifyExportFile(file, opts);
      output().result({ ok: true, ...report }, describeReport(report));
    });
}
