/** Temporary directories and database files for the durable-writer tests, and the ledger PKI (test-kit). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerPki, type LedgerPki } from '@confide/test-kit/ledger-pki';

export { ledgerPki, type LedgerPki };

/** Runs `fn` with a fresh directory, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with a fresh ledger PKI and the path of a database file in a fresh directory. */
export function withLedgerFile<T>(fn: (pki: LedgerPki, path: string, dir: string) => Promise<T>): () => Promise<T> {
  return () => withTempDir(async (dir) => fn(await ledgerPki(), join(dir, 'confide.db'), dir));
}
