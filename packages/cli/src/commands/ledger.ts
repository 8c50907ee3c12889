/**
 * `confide ledger receipt verify`: a Confidential Ledger / CCF receipt checked offline against
 * the ledger's service identity with @confide/ledger (docs/ledger.md).
 */
import type { Command } from 'commander';
import { verifyReceipt } from '@confide/ledger';
import type { Output } from '../output.js';
import { readInput } from '../client/files.js';
import { SUMMARIES } from './summaries.js';

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
}
