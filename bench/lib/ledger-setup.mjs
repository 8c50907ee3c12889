/**
 * What the ledger benchmark works on: a service identity (P-384, self-signed) and a node
 * certificate it issued (P-256) as CCF issues them, a node signer over node:crypto, and a fresh
 * SQLite database file in a temporary directory for each store.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { openSqliteStore } from '@confide/store';
import { testIdentity } from '@confide/test-kit/identity';

export async function ledgerPki() {
  const identity = await testIdentity('CCF Network', { key: 'P-384', extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
  const node = await testIdentity('CCF Node', { key: 'P-256', issuer: identity });
  const key = createPrivateKey(node.keyPem);
  return { identity, node, signer: { certPem: node.pem, sign: async (preimage) => sign('sha256', preimage, { key, dsaEncoding: 'der' }) } };
}

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
