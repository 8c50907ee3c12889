/**
 * The PostgreSQL engine's pipelined transactions: BEGIN goes out with the first statement, an
 * audit append that extends the head its transaction was given goes out with the COMMIT, and a
 * process that trusts the head it left gives it without reading it (postgres/audit-chain.ts).
 * What must hold: a guess made stale by another pool costs a rerun, never a broken chain, and
 * nothing of the failed attempt commits; a transaction the server rolled back is never reported
 * as committed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { isConfideError } from '@confide/core';
import { openPostgresStore, type Store } from '../src/index.js';
import { transaction } from '../src/postgres/sql.js';
import { freshSchema, openFresh, server } from './postgres-fixture.js';

const skip = server.skip;
const uuidOf = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

test('postgres: appends of one process take turns and go out with their COMMIT; a head guess another pool made stale costs one rerun, its first attempt commits nothing, the chain stays whole', { skip }, async () => {
  const schema = freshSchema();
  const a = await openFresh({ schema });
  const b = await openPostgresStore(await server.url(), { schema });
  let attempts = 0;
  // One activation row per attempt and the audit entry over the head the transaction is given.
  const append = (store: Store): Promise<number> =>
    store.tx(async (repos) => {
      const attempt = ++attempts;
      await repos.activations.insert({ uuid: uuidOf(attempt), marbleType: 'web', sealed: Uint8Array.of(1) }, 0);
      const head = (await repos.auditLog.head()) ?? { seq: 0, hash: 'genesis' };
      await repos.auditLog.append({ seq: head.seq + 1, prevHash: head.hash, hash: `h${head.seq + 1}-${attempt}`, entry: '{}' });
      return attempt;
    });
  try {
    // One after another: each reads the head under the lock and finds it where the one before left it.
    for (let i = 0; i < 10; i++) await append(a);
    // Now trusted: at once, taking turns, none refused.
    await Promise.all(Array.from({ length: 16 }, () => append(a)));
    assert.equal(a.retries(), 0);

    await append(b); // the other pool moves the head on
    const before = attempts;
    const landed = await append(a);
    assert.equal(a.retries(), 1, 'the stale guess was refused once and the transaction ran again');
    assert.equal(landed, before + 2);
    assert.equal(await a.activations.find(uuidOf(before + 1)), undefined, 'nothing of the refused attempt committed');
    assert.ok(await a.activations.find(uuidOf(landed)));

    const rows = await a.auditLog.list();
    assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 28 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prevHash, rows[i - 1]!.hash);
  } finally {
    await b.close();
    await a.close();
  }
});

test('postgres: a transaction in which a statement failed (and the caller went on) is refused with ERR_STORE_CONFLICT, not reported as committed', { skip }, async () => {
  const pool = new pg.Pool({ connectionString: await server.url(), pipeline: true });
  try {
    await assert.rejects(
      transaction(pool, { retries: 0 }, async (tx) => {
        await tx.query('SELECT 1 / 0').catch(() => undefined);
        return 'done';
      }),
      (err: unknown) => isConfideError(err, 'ERR_STORE_CONFLICT') && (err as { details?: { reason?: string } }).details?.reason === 'rolled-back',
    );
  } finally {
    await pool.end();
  }
});

test('postgres: a transaction queues for its turn at the audit chain only once what it sent without waiting was answered, so a row lock held by one waiting for the turn never deadlocks the process', { skip }, async () => {
  const store = await openFresh();
  let heldLock!: () => void;
  const lockHeld = new Promise<void>((resolve) => (heldLock = resolve));
  let fAtHead!: () => void;
  const fReady = new Promise<void>((resolve) => (fAtHead = resolve));
  const appendOver = async (repos: Parameters<Parameters<Store['tx']>[0]>[0], hash: string): Promise<void> => {
    const head = await repos.auditLog.head();
    await repos.auditLog.append({ seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? 'genesis', hash, entry: '{}' });
  };
  try {
    // S: a counted insert (it holds the type's counter row until it commits), then the audit entry, once F asked for its head.
    const s = store.tx(async (repos) => {
      assert.equal(await repos.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 5), 'inserted');
      heldLock();
      await fReady;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await appendOver(repos, 'S');
    });
    await lockHeld;
    // F: the same type's insert sent without waiting (it waits at the server for S's row lock), then its head.
    const f = store.tx(async (repos) => {
      await repos.activations.insertNew({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(2) }, 5);
      fAtHead();
      await appendOver(repos, 'F');
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('deadlocked')), 20_000)));
    try {
      await Promise.race([Promise.all([s, f]), stuck]);
    } finally {
      clearTimeout(timer);
    }
    assert.deepEqual((await store.auditLog.list()).map((r) => r.hash), ['S', 'F']);
    assert.equal(await store.activations.count('web'), 2);
  } finally {
    await store.close();
  }
});
