/**
 * kill -9 while appending: a child process appends through the durable writer (group commit on
 * a SQLite file, or on PostgreSQL) as fast as it can, 64 appends in flight (1,024 in a second SQLite
 * run, so that batches are large enough for the store's commit thread), and prints each
 * transaction id once its append is answered; it is killed with SIGKILL at a random moment.
 * Reopened, the ledger holds every answered id, restores without complaint, and its export
 * (`confide ledger export --store`) verifies.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDurableLedgerWriter } from '@confide/server/ledger-durable';
import { openPostgresStore, openSqliteStore, type Store } from '@confide/store';
import { ledgerPki } from '@confide/test-kit/ledger-pki';
import { dropSchema, freshSchema, testPostgres } from '@confide/test-kit/postgres';
import { runInProcess } from './in-process.js';

const APPENDER = (storeUrl: string, durableUrl: string) => `
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
const { openPostgresStore, openSqliteStore } = await import(${JSON.stringify(storeUrl)});
const { openDurableLedgerWriter } = await import(${JSON.stringify(durableUrl)});
const [db, certFile, keyFile, inFlight] = process.argv.slice(2);
const key = createPrivateKey(readFileSync(keyFile));
const signer = { certPem: readFileSync(certFile, 'utf8'), sign: async (p) => sign('sha256', p, { key, dsaEncoding: 'der' }) };
const store = db.startsWith('postgres://') ? await openPostgresStore(db) : openSqliteStore(db);
const w = await openDurableLedgerWriter({ store, signer, interval: { count: 200, ms: 20 } });
process.stdout.write('ready\\n');
// stdout is a pipe: writes are synchronous on Linux, so a printed id left the process before the kill.
const worker = async (n) => { for (let i = 0; ; i++) process.stdout.write((await w.append('worker ' + n + ' entry ' + i)) + '\\n'); };
await Promise.all(Array.from({ length: Number(inFlight) }, (_, n) => worker(n)));
`;

/** The kill and the checks, on the store `db` names (a SQLite file or a PostgreSQL URL) that `open` reopens. */
async function killWhileAppending(dir: string, db: string, open: () => Promise<Store>, inFlight = 64): Promise<void> {
  const pki = await ledgerPki();
  const [cert, key, identity, script] = ['node.pem', 'node.key', 'identity.pem', 'appender.mjs'].map((f) => join(dir, f)) as [string, string, string, string];
  writeFileSync(cert, pki.node.pem);
  writeFileSync(key, pki.node.keyPem);
  writeFileSync(identity, pki.identity.pem);
  writeFileSync(script, APPENDER(import.meta.resolve('@confide/store'), import.meta.resolve('@confide/server/ledger-durable')));

  const child = spawn(process.execPath, [script, db, cert, key, String(inFlight)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the appender did not start within 60 s')), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.startsWith('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const answeredAt = out.split('\n').length;
  await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  // Only whole lines: a line cut by the kill was not fully written.
  const answered = out.split('\n').slice(1, -1);
  assert.ok(answered.length > 64 && answered.length > answeredAt, `the child answered appends before the kill (${answered.length})`);

  const store = await open();
  const w = await openDurableLedgerWriter({ store, signer: pki.signer, interval: { count: 200, ms: 60_000 } });
  const lost = answered.filter((id) => w.entry(id) === undefined);
  assert.deepEqual(lost, [], 'every answered id is in the reopened ledger');
  assert.ok(w.size >= Math.max(...answered.map((id) => Number(id.split('.')[1]))));
  await w.flush();
  w.close();
  await store.close();

  const exported = join(dir, 'ledger.ndjson');
  assert.equal((await runInProcess(['ledger', 'export', exported, '--store', db])).code, 0);
  const verified = await runInProcess(['--json', 'ledger', 'verify', exported, '--identity', identity]);
  assert.equal(verified.code, 0, verified.stdout);
  assert.equal(JSON.parse(verified.stdout).unsignedEntries, 0);
}

test('kill -9 at a random moment loses no answered append, and the reopened ledger verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-kill-'));
  try {
    const db = join(dir, 'ledger.sqlite');
    await killWhileAppending(dir, db, async () => openSqliteStore(db));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 with 1,024 appends in flight (large batches, committed on the commit thread) loses no answered append either', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-kill-'));
  try {
    const db = join(dir, 'ledger.sqlite');
    await killWhileAppending(dir, db, async () => openSqliteStore(db), 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const postgres = testPostgres();

test('on PostgreSQL too: kill -9 at a random moment loses no answered append, and the reopened ledger verifies', { skip: postgres.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-ledger-kill-'));
  const schema = freshSchema();
  const url = await postgres.url();
  try {
    const db = `${url}?schema=${schema}`;
    await killWhileAppending(dir, db, () => openPostgresStore(db));
  } finally {
    await dropSchema(url, schema).catch(() => undefined);
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
