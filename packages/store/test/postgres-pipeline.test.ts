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
import { freshSchema, openFresh, rawClient, server } from './postgres-fixture.js';

const skip = server.skip;
/** A promise and the function that settles it: one side of a test waits for the other to reach a point. */
function signal(): { reached: Promise<void>; reach: () => void } {
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  return { reached, reach };
}

const uuidOf = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

type TxRepos = Parameters<Parameters<Store['tx']>[0]>[0];

/** An audit entry `hash` over the head the transaction is given. */
async function appendOver(repos: TxRepos, hash: string): Promise<void> {
  const head = await repos.auditLog.head();
  await repos.auditLog.append({ seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? 'genesis', hash, entry: '{}' });
}

/** As appendOver, but the entry goes in only once `go` settled: `inTurn()` is called when the transaction holds its turn at the chain. */
async function appendOverWhen(repos: TxRepos, hash: string, inTurn: () => void, go: Promise<void>): Promise<void> {
  const head = await repos.auditLog.head();
  inTurn();
  await go;
  await repos.auditLog.append({ seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? 'genesis', hash, entry: '{}' });
}

/** Appends `count` entries one transaction at a time: the process then trusts the head it left. */
async function warmUp(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await store.tx((repos) => appendOver(repos, `warm${i}`));
}

/** The entries after the first `skip` are `hashes` (in any order), and every entry extends the one before. */
async function assertChainEnds(store: Store, skip: number, hashes: string[]): Promise<void> {
  const rows = await store.auditLog.list();
  assert.deepEqual(rows.slice(skip).map((r) => r.hash).sort(), hashes);
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prevHash, rows[i - 1]!.hash);
}

/** Waits for `work`, failing with "deadlocked" when it has not settled after `ms`. */
async function unlessDeadlocked(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('deadlocked')), ms)));
  try {
    await Promise.race([work, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

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
      transaction(pool, { retries: 0, open: 0 }, async (tx) => {
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
  const { reached: lockHeld, reach: heldLock } = signal();
  const { reached: fReady, reach: fAtHead } = signal();
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
    await unlessDeadlocked(Promise.all([s, f]), 20_000);
    assert.deepEqual((await store.auditLog.list()).map((r) => r.hash), ['S', 'F']);
    assert.equal(await store.activations.count('web'), 2);
  } finally {
    await store.close();
  }
});

test('postgres: the next turn\'s append or head read that reaches the server before the transaction of the turn before it waits for that one to end (its token lock) instead of failing', { skip }, async () => {
  const schema = freshSchema();
  const store = await openFresh({ schema });
  const [before, next] = [await rawClient(schema), await rawClient(schema)];
  const pending = async (p: Promise<unknown>): Promise<boolean> => Promise.race([p.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300))]);
  try {
    await store.tx(async (repos) => repos.auditLog.append({ seq: 1, prevHash: 'genesis', hash: 'h1', entry: '{}' }));
    // The turn before: its token locked in its first write, its append not yet at the server.
    await before.query('BEGIN');
    await before.query('SELECT pg_advisory_xact_lock(7::bigint)');
    // The next turn's append over the head the turn before will leave, on another connection, first.
    await next.query('BEGIN');
    const appended = next.query("SELECT confide_audit_append(3, 'h2', 'h3', '{}', 7)");
    appended.catch(() => undefined);
    assert.equal(await pending(appended), true, 'it waits for the transaction before it');
    await before.query("SELECT confide_audit_append(2, 'h1', 'h2', '{}', NULL)");
    await before.query('COMMIT');
    await appended;
    await next.query('COMMIT');
    assert.deepEqual((await store.auditLog.list()).map((r) => r.hash), ['h1', 'h2', 'h3']);

    // The head read under the chain's lock waits the same way, then finds what the turn before committed.
    await before.query('BEGIN');
    await before.query('SELECT pg_advisory_xact_lock(8::bigint)');
    await before.query("SELECT confide_audit_append(4, 'h3', 'h4', '{}', NULL)");
    await next.query('BEGIN');
    const head = next.query<{ seq: string; hash: string }>('SELECT seq, hash FROM confide_audit_head_for_append(8)');
    head.catch(() => undefined);
    assert.equal(await pending(head), true);
    await before.query('COMMIT');
    assert.deepEqual((await head).rows, [{ seq: '4', hash: 'h4' }]);
    await next.query('ROLLBACK');
  } finally {
    await before.end();
    await next.end();
    await store.close();
  }
});

test('postgres: a transaction alone that reads the audit head takes no turn token; one with another transaction of the store open takes one (its successor waits on it at the server)', { skip }, async () => {
  const schema = freshSchema();
  const store = await openFresh({ schema });
  const watcher = await rawClient(schema);
  const tokens = async (): Promise<number> => Number((await watcher.query<{ n: string }>("SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1")).rows[0]!.n);
  try {
    const alone = await store.tx(async (repos) => {
      await repos.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 0);
      await repos.auditLog.head();
      return tokens();
    });
    assert.equal(alone, 0);

    const { reached: otherEnds, reach: endOther } = signal();
    const { reached: opened, reach: otherOpen } = signal();
    const other = store.tx(async (repos) => {
      await repos.activations.insert({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(2) }, 0);
      otherOpen();
      await otherEnds;
    });
    await opened;
    const besideAnother = await store.tx(async (repos) => {
      await repos.activations.insert({ uuid: uuidOf(3), marbleType: 'web', sealed: Uint8Array.of(3) }, 0);
      const head = await repos.auditLog.head();
      const held = await tokens();
      await repos.auditLog.append({ seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? 'genesis', hash: 'h', entry: '{}' });
      return held;
    });
    endOther();
    await other;
    assert.equal(besideAnother, 1);
    assert.deepEqual((await store.auditLog.list()).map((r) => r.hash), ['h']);
  } finally {
    await watcher.end();
    await store.close();
  }
});

test('postgres: a transaction alone that sends everything with its COMMIT, and one opened meanwhile that took a row lock it needs first, never deadlock the process (the server sees the wait through the turn token)', { skip }, async () => {
  const store = await openFresh();
  try {
    // Until the process trusts the head it left, and a transaction alone gives it without settling.
    await warmUp(store, 10);
    const { reached: aloneInTurn, reach: inTurn } = signal();
    const { reached: proceed, reach: goOn } = signal();
    // A: alone, its insert of the type's counted place not yet sent when it takes its turn.
    const a = store.tx(async (repos) => {
      await repos.activations.insertNew({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 5);
      await appendOverWhen(repos, 'A', inTurn, proceed);
    });
    await aloneInTurn;
    // B: opened meanwhile, takes the same counter row's lock at the server first, then queues for the turn.
    const b = store.tx(async (repos) => {
      assert.equal(await repos.activations.insert({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(2) }, 5), 'inserted');
      goOn();
      await appendOver(repos, 'B');
    });
    await unlessDeadlocked(Promise.allSettled([a, b]), 30_000);
    await Promise.all([a, b]);
    assert.ok(store.retries() >= 1, 'the server found the wait cycle and one of them ran again');
    await assertChainEnds(store, 10, ['A', 'B']);
    assert.equal(await store.activations.count('web'), 2);
  } finally {
    await store.close();
  }
});

test('postgres: a transaction not alone whose process trusts the head takes its turn unsettled; a head read after it that the process no longer trusts does not wait for its end, so its insert waiting for a row lock held by one queued behind the read never deadlocks the process', { skip }, async () => {
  const store = await openFresh();
  try {
    await warmUp(store, 10);
    const { reached: vLocked, reach: lockedByV } = signal();
    const { reached: vGo, reach: letV } = signal();
    const { reached: wInTurn, reach: inTurnW } = signal();
    const { reached: tAsked, reach: askedT } = signal();
    const { reached: wGo, reach: letW } = signal();
    const { reached: uAsked, reach: askedU } = signal();
    // V: holds the type's counter row (a counted insert, answered), and queues for the turn last.
    const v = store.tx(async (repos) => {
      assert.equal(await repos.activations.insert({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(2) }, 5), 'inserted');
      lockedByV();
      await vGo;
      await appendOver(repos, 'V');
    });
    await vLocked;
    // W: not alone, trusted: takes its turn unsettled; its expectation fails only at the server, after its turn passed on (its failure ends the trust).
    const w = store.tx(async (repos) => {
      await repos.sealedState.expectVersion(99);
      await appendOverWhen(repos, 'W', inTurnW, wGo);
    });
    await wInTurn;
    // T: trusted when it asks, its turn after W's: unsettled, its counted insert (sent with its COMMIT) waits at the server for V's row lock.
    const t = store.tx(async (repos) => {
      await repos.activations.insertNew({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 5);
      askedT();
      await appendOver(repos, 'T');
    });
    await tAsked;
    letW();
    await assert.rejects(w, (err: unknown) => isConfideError(err, 'ERR_STORE_CONFLICT'));
    // U: no longer trusted: settles, queues after T and reads the head holding its turn; V then queues after U.
    const u = store.tx(async (repos) => {
      askedU();
      await appendOver(repos, 'U');
    });
    await uAsked;
    await new Promise((resolve) => setTimeout(resolve, 300));
    letV();
    await unlessDeadlocked(Promise.allSettled([t, u, v]), 20_000);
    await Promise.all([t, u, v]);
    await assertChainEnds(store, 10, ['T', 'U', 'V']);
    assert.equal(await store.activations.count('web'), 2);
  } finally {
    await store.close();
  }
});
