/**
 * The audit chain's commit connection (postgres/chain-connection.ts): a transaction that took its
 * turn on a trusted head and wrote nothing before its commit goes out there as one batch without
 * BEGIN, which the server runs as one transaction committed at the batch's Sync. A trigger on the
 * test's audit_log names the connection (its application_name) each entry came from.
 * What must hold: those commits go through that connection; one that fails there, by a statement
 * or at the commit itself, leaves nothing and is reported as failed, and the ones behind it commit;
 * a lost connection is replaced and the chain stays whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { isConfideError } from '@confide/core';
import type { Store } from '../src/index.js';
import { sendBatch, sendPrepare } from '../src/postgres/batch.js';
import { freshSchema, openFresh, rawClient, server } from './postgres-fixture.js';

const skip = server.skip;
const CHAIN = 'confide-audit-chain';

type TxRepos = Parameters<Parameters<Store['tx']>[0]>[0];

/** An audit entry `hash` over the head the transaction is given, behind the state-version expectation `version`. */
async function appendOver(repos: TxRepos, hash: string, version = 0): Promise<void> {
  await repos.sealedState.expectVersion(version);
  const head = await repos.auditLog.head();
  await repos.auditLog.append({ seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? 'genesis', hash, entry: '{}' });
}

/** Runs `fn` on a fresh store (`options`) whose audit_log records the connection each entry was inserted from, with a raw client on its schema. */
async function withRecorded(fn: (store: Store, raw: pg.Client) => Promise<void>, options: { maxConnections?: number } = {}): Promise<void> {
  const schema = freshSchema();
  const store = await openFresh({ schema, ...options });
  const raw = await rawClient(schema);
  await raw.query(`
    CREATE TABLE inserted_from (hash TEXT PRIMARY KEY, application_name TEXT NOT NULL);
    CREATE FUNCTION record_from() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO inserted_from VALUES (NEW.hash, current_setting('application_name'));
      RETURN NULL;
    END $$;
    CREATE TRIGGER audit_log_inserted_from AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION record_from();
  `);
  try {
    await fn(store, raw);
  } finally {
    await raw.end();
    await store.close();
  }
}

/** Sequential appends until this process trusts the head it left and its statements are prepared on the chain's connection: the last one came through it. */
async function warmUp(store: Store, raw: pg.Client, prefix = 'warm'): Promise<void> {
  // The connection opens, and then prepares the statements, while appends go on (slower on a loaded machine): bounded by time, not count.
  const until = Date.now() + 15_000;
  for (let i = 0; i < 40 || Date.now() < until; i++) {
    const hash = `${prefix}${i}`;
    await store.tx((repos) => appendOver(repos, hash));
    if (i >= 8 && (await from(raw, hash)) === CHAIN) return;
    if (i >= 40) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('no append went through the audit chain connection');
}

/** A transaction that reads (checking a pooled connection out), then holds it until `letGo`, then runs `then`; resolves once it holds it. */
async function holdingThePool(store: Store, then?: (repos: TxRepos) => Promise<void>): Promise<{ holder: Promise<void>; letGo: () => void }> {
  let letGo!: () => void;
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  let holding!: () => void;
  const holds = new Promise<void>((resolve) => (holding = resolve));
  const holder = store.tx(async (repos) => {
    await repos.sealedState.version();
    holding();
    await gate;
    await then?.(repos);
  });
  await holds;
  return { holder, letGo };
}

async function from(raw: pg.Client, hash: string): Promise<string | undefined> {
  const { rows } = await raw.query<{ application_name: string }>('SELECT application_name FROM inserted_from WHERE hash = $1', [hash]);
  return rows[0]?.application_name;
}

/** Every entry extends the one before; the hashes after the warm-up are `hashes` (any order). */
async function assertChain(store: Store, hashes: string[]): Promise<void> {
  const rows = await store.auditLog.list();
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prevHash, rows[i - 1]!.hash);
  assert.deepEqual(rows.map((r) => r.hash).filter((h) => !h.startsWith('warm')).sort(), [...hashes].sort());
  assert.deepEqual(rows.map((r) => r.seq), rows.map((_, i) => i + 1));
}

test('postgres: appends on a trusted head, sixteen at once, each commit through the audit chain connection, in turn order, with no rerun', { skip }, () =>
  withRecorded(async (store, raw) => {
    await warmUp(store, raw);
    const retries = store.retries();
    const hashes = Array.from({ length: 16 }, (_, i) => `burst${i}`);
    await Promise.all(hashes.map((hash) => store.tx((repos) => appendOver(repos, hash))));
    assert.equal(store.retries(), retries);
    await assertChain(store, hashes);
    for (const hash of hashes) assert.equal(await from(raw, hash), CHAIN, hash);
    // No pool connection was left in a transaction: nothing of them went out there.
    const { rows } = await raw.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'confide' AND state LIKE 'idle in transaction%'");
    assert.equal(rows[0]!.n, 0);
  }),
);

test('postgres: a transaction refused on the audit chain connection (its expectation) leaves nothing, and the ones behind it there commit', { skip }, () =>
  withRecorded(async (store, raw) => {
    await warmUp(store, raw);
    const refused = store.tx((repos) => appendOver(repos, 'refused', 99));
    const behind = ['after1', 'after2', 'after3'].map((hash) => store.tx((repos) => appendOver(repos, hash)));
    await assert.rejects(refused, (err: unknown) => isConfideError(err, 'ERR_STORE_CONFLICT') && (err as { details?: { reason?: string } }).details?.reason === 'expectation');
    await Promise.all(behind);
    await assertChain(store, ['after1', 'after2', 'after3']);
    // The failure ended the process's trust in the head: it reads it again until it trusts it, then commits there again.
    await warmUp(store, raw, 'warm-again');
  }),
);

test('postgres: a commit the server refuses at the end of the batch (a deferred constraint) is reported as failed, nothing of it stays, and the next commits', { skip }, () =>
  withRecorded(async (store, raw) => {
    await warmUp(store, raw);
    // Runs at the commit, after every statement was answered; its message names the connection.
    await raw.query(`
      CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.hash = 'refused' THEN RAISE EXCEPTION 'refused at commit on %', current_setting('application_name'); END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER audit_log_refuse_at_commit AFTER INSERT ON audit_log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit();
    `);
    await assert.rejects(
      store.tx((repos) => appendOver(repos, 'refused')),
      (err: unknown) => err instanceof Error && err.message === `refused at commit on ${CHAIN}`,
    );
    await store.tx((repos) => appendOver(repos, 'next'));
    await assertChain(store, ['next']);
  }),
);

test('postgres: a commit through the audit chain connection takes no pool connection: it commits while the pool\'s only one is held by another transaction', { skip }, () =>
  withRecorded(
    async (store, raw) => {
      await warmUp(store, raw);
      // A read checks the pool's one connection out; the transaction keeps it until it is let go.
      const { holder, letGo } = await holdingThePool(store);
      const appended = store.tx((repos) => appendOver(repos, 'beside'));
      const waited = await Promise.race([appended.then(() => 'committed'), new Promise((resolve) => setTimeout(resolve, 5000, 'still waiting'))]);
      letGo();
      await holder;
      await appended;
      assert.equal(waited, 'committed');
      assert.equal(await from(raw, 'beside'), CHAIN);
      await assertChain(store, ['beside']);
    },
    { maxConnections: 1 },
  ),
);

test('postgres: a turn on a trusted head never waits for the pool: with the chain connection down and the pool\'s only connection held by a transaction that reads before it appends, both commit', { skip }, () =>
  withRecorded(
    async (store, raw) => {
      await warmUp(store, raw);
      // The chain's connection gone (and its end seen): the next commit cannot go through it.
      await raw.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [CHAIN]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Reads first (the pool's only connection), then waits, then appends: it will queue for a turn holding that connection.
      const { holder: readFirst, letGo } = await holdingThePool(store, (repos) => appendOver(repos, 'read-first'));
      // Wrote nothing, on a trusted head: it must not take its turn and then wait for the pool behind the one above.
      const guessed = store.tx((repos) => appendOver(repos, 'guessed'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      letGo();
      const outcome = await Promise.race([Promise.all([readFirst, guessed]).then(() => 'both committed'), new Promise((resolve) => setTimeout(resolve, 8000, 'stuck'))]);
      if (outcome !== 'both committed') {
        // Stuck for good (each waits for the other): end the store's connections so that it can close, then fail.
        await raw.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'confide' AND pid <> pg_backend_pid()");
        await Promise.allSettled([readFirst, guessed]);
      }
      assert.equal(outcome, 'both committed');
      await assertChain(store, ['read-first', 'guessed']);
    },
    { maxConnections: 1 },
  ),
);

test('postgres: the audit chain connection lost between commits is opened again; the commits meanwhile go through their own connections and the chain stays whole', { skip }, () =>
  withRecorded(async (store, raw) => {
    await warmUp(store, raw);
    const { rows } = await raw.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1', [CHAIN]);
    assert.deepEqual(rows, [{ ended: true }]);
    // Between commits: the server's notice of the end reaches this process first (what is sent on the connection as it is lost fails with ERR_STORE_UNAVAILABLE, as on any connection).
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.tx((repos) => appendOver(repos, 'first-after'));
    assert.equal(await from(raw, 'first-after'), 'confide');
    // Opened again on that commit, and its statements prepared there on the next ones: a later append comes through it.
    await warmUp(store, raw, 'warm-again');
    await assertChain(store, ['first-after']);
  }),
);

test('postgres: a batch outside BEGIN is one transaction: a value the driver cannot encode sends none of it, a refused statement leaves nothing, else it commits', { skip }, async () => {
  const schema = freshSchema();
  const store = await openFresh({ schema });
  const raw = await rawClient(schema);
  const client = new pg.Client({ connectionString: await server.url(), options: `-c search_path=${schema}`, pipeline: true } as pg.ClientConfig);
  await client.connect();
  try {
    await raw.query('CREATE TABLE t (n INTEGER PRIMARY KEY, note TEXT)');
    const insert = { name: 'test_insert', text: 'INSERT INTO t (n, note) VALUES ($1, $2)' };
    const on = client as unknown as PoolClient;
    await sendPrepare(on, { ...insert, params: [] });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const count = async (): Promise<number> => (await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n;

    const unencodable = sendBatch(on, [{ ...insert, params: [1, 'a'] }, { ...insert, params: [2, circular] }]);
    for (const answer of unencodable.answers) await assert.rejects(answer);
    await assert.rejects(unencodable.ended);
    assert.equal(await count(), 0);

    const refused = sendBatch(on, [{ ...insert, params: [1, 'a'] }, { ...insert, params: [1, 'twin'] }]);
    const isTwin = (err: unknown): boolean => (err as { code?: string }).code === '23505';
    await refused.answers[0];
    await assert.rejects(refused.answers[1]!, isTwin);
    await assert.rejects(refused.ended, isTwin);
    assert.equal(await count(), 0);

    const committed = sendBatch(on, [{ ...insert, params: [1, 'a'] }, { ...insert, params: [2, 'b'] }]);
    await committed.ended;
    assert.equal(await count(), 2);
  } finally {
    await client.end();
    await raw.end();
    await store.close();
  }
});
