/**
 * `confide ledger export <file>`: the ledger's stored transactions, exactly as the store keeps
 * them, in the documented NDJSON export (docs/ledger.md), with the service identity when one is
 * given or stored. Reads the database the server uses (<data-dir>/confide.sqlite, or --store: a
 * SQLite file or the server's PostgreSQL URL).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exportHeaderLine, exportRecordLine, parseCommitEvidence } from '@confide/ledger';
import { openPostgresStore, openSqliteStore, redactUrl, type LedgerTransactionRow } from '@confide/store';
import { CliError } from '../errors.js';
import { readInput, writeOutput } from '../client/files.js';

export interface ExportFlags {
  dataDir: string;
  store?: string;
  identity?: string;
}

const CHUNK = 10_000;
const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** Writes the export of the ledger in the database `flags` name to `file`. Throws ERR_INPUT_UNREADABLE and the store's errors. */
export async function exportLedger(file: string, flags: ExportFlags): Promise<{ database: string; transactions: number; serviceIdentity: 'given' | 'stored' | 'none' }> {
  const postgres = flags.store !== undefined && POSTGRES_URL.test(flags.store);
  // A PostgreSQL URL is shown without its password.
  const database = postgres ? redactUrl(flags.store!) : (flags.store ?? join(flags.dataDir, 'confide.sqlite'));
  // Opening creates a database (or schema) that is absent: an export of nothing would hide a wrong path.
  if (!postgres && !existsSync(database)) throw new CliError('ERR_INPUT_UNREADABLE', `ledger database ${database}: no such file (give --data-dir or --store)`);
  const given = flags.identity === undefined ? undefined : Buffer.from(await readInput(flags.identity, '--identity')).toString('utf8');
  // Read only: the server may be running on the file, and a reader must not migrate or write it.
  const store = postgres ? await openPostgresStore(flags.store!, { existing: true }) : openSqliteStore(database, undefined, { readOnly: true });
  const rows: LedgerTransactionRow[] = [];
  let stored: string | undefined;
  try {
    const head = await store.ledgerTransactions.head();
    for (let from = 1; from <= head; from += CHUNK) rows.push(...(await store.ledgerTransactions.range(from, Math.min(head, from + CHUNK - 1))));
    stored = (await store.ledgerIdentity.get())?.serviceCertificate;
  } finally {
    await store.close();
  }
  const serviceIdentity = given ?? stored ?? null;
  // The header counts the rows read, not the head: a row missing from the file shows as a gap the verifier names.
  const header = exportHeaderLine({ view: viewOf(rows[0]), transactions: rows.length, serviceIdentity, exportedAt: new Date().toISOString() });
  await writeOutput(file, [header, ...rows.map(exportRecordLine)].join('\n') + '\n');
  return { database, transactions: rows.length, serviceIdentity: given ? 'given' : stored ? 'stored' : 'none' };
}

function viewOf(first: LedgerTransactionRow | undefined): number {
  try {
    return first ? parseCommitEvidence(first.commitEvidence).view : 2;
  } catch {
    return 2;
  }
}
