/**
 * A ledger identity for the durable-writer tests: a self-signed P-384 service identity and a
 * P-256 node certificate it issued, as CCF issues them, and a node signer over node:crypto.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { testIdentity, type TestIdentity } from '@confide/test-kit/identity';
import type { NodeSigner } from '@confide/ledger';

export interface LedgerPki {
  identity: TestIdentity;
  node: TestIdentity;
  signer: NodeSigner;
}

export async function ledgerPki(): Promise<LedgerPki> {
  const identity = await testIdentity('CCF Network', { key: 'P-384', extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
  const node = await testIdentity('CCF Node', { key: 'P-256', issuer: identity });
  const key = createPrivateKey(node.keyPem);
  return { identity, node, signer: { certPem: node.pem, sign: async (preimage) => sign('sha256', preimage, { key, dsaEncoding: 'der' }) } };
}

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
