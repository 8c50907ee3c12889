/** What the ledger benchmark works on: the ledger PKI (test-kit) and fresh SQLite database files in a temporary directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@confide/store';

export { ledgerPki } from '@confide/test-kit/ledger-pki';

/** Fresh file stores in one temporary directory; `cleanup()` closes them and removes it. */
export function tempStores() {
  const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-bench-'));
  const opened = [];
  let n = 0;
  return {
    open() {
      const store = openSqliteStore(join(dir, `ledger-${n++}.db`));
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
