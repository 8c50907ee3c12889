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
