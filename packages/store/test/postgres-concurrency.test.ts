/**
 * The invariants under concurrent writers on separate connection pools, as several replicas on
 * one database would be: each pool is a store of its own on the same schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { openPostgresStore, type Store } from '../src/index.js';
import { freshSchema, openFresh, server } from './postgres-fixture.js';

const skip = server.skip;

/** `n` stores (connection pools) on one fresh schema; `run` gets them, then all close. */
async function replicas(n: number, run: (stores: Store[]) => Promise<void>): Promise<void> {
  const schema = freshSchema();
  const first = await openFresh({ schema });
  const others = await Promise.all(Array.from({ length: n - 1 }, async () => openPostgresStore(await server.url(), { schema })));
  try {
    await run([first, ...others]);
  } finally {
    await Promise.all(others.map((s) => s.close()));
    await first.close();
  }
}

const uuidOf = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const isConflict = (err: unknown): boolean => isConfideError(err, 'ERR_STORE_CONFLICT');

test('postgres: 50 concurrent activations at MaxActivations 10 from 3 connection pools admit exactly 10', { skip }, async () => {
  await replicas(3, async (stores) => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        stores[i % 3]!.tx(async (repos) => {
          await repos.activations.count('web');
          return repos.activations.insert({ uuid: uuidOf(i + 1), marbleType: 'web', sealed: Uint8Array.of(i) }, 10);
        }),
      ),
    );
    assert.equal(results.filter((r) => r === 'inserted').length, 10);
    assert.equal(results.filter((r) => r === 'limit').length, 40);
    for (const s of stores) assert.equal(await s.activations.count('web'), 10);
    let rows = 0;
    for (let i = 1; i <= 50; i++) if (await stores[0]!.activations.find(uuidOf(i))) rows += 1;
    assert.equal(rows, 10, 'no refused activation left a row');
  });
});

test('postgres: concurrent sealed-state writes over one version from 3 pools: one winner, the rest ERR_STORE_CONFLICT', { skip }, async () => {
  await replicas(3, async (stores) => {
    const record = (n: number) => ({ provider: 'file', wrappedDataKey: Uint8Array.of(n), recoveryData: null, recoveryShares: null, sealedState: Uint8Array.of(n) });
    await stores[0]!.sealedState.write(record(0), 0);
    const seen = await stores[0]!.sealedState.version();
    const out = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        stores[i % 3]!.tx(async (repos) => {
          await repos.sealedState.get();
          return repos.sealedState.write(record(i + 1), seen);
        }),
      ),
    );
    assert.deepEqual(out.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<number>).value), [2]);
    assert.ok(out.filter((o) => o.status === 'rejected').every((o) => isConflict((o as PromiseRejectedResult).reason)));
    assert.equal(await stores[1]!.sealedState.version(), 2);
  });
});

test('postgres: management certificates removed from 3 pools at once: the last one stays', { skip }, async () => {
  await replicas(3, async (stores) => {
    const names = Array.from({ length: 9 }, (_, i) => `C${i}`);
    await stores[0]!.managementCertificates.seed(names.map((thumbprint) => ({ thumbprint, der: Uint8Array.of(1), addedAt: 't', addedBy: null })));
    const results = await Promise.all(names.map((t, i) => stores[i % 3]!.managementCertificates.removeUnlessLast(t)));
    assert.equal(results.filter((r) => r === 'removed').length, 8);
    assert.equal(results.filter((r) => r === 'last').length, 1);
    assert.equal((await stores[2]!.managementCertificates.list()).length, 1);
  });
});

test('postgres: seeding management certificates from 3 pools at once seeds once', { skip }, async () => {
  await replicas(3, async (stores) => {
    const seeded = await Promise.all(stores.map((s, i) => s.managementCertificates.seed([{ thumbprint: `S${i}`, der: Uint8Array.of(i), addedAt: 't', addedBy: null }])));
    assert.deepEqual(seeded.slice().sort(), [0, 0, 1]);
    assert.equal((await stores[0]!.managementCertificates.list()).length, 1);
  });
});

test('postgres: ledger appenders on 3 pools that retry on conflict leave no gap and no twin', { skip }, async () => {
  await replicas(3, async (stores) => {
    const row = (seqno: number) => ({ seqno, kind: 'entry' as const, body: '{}', commitEvidence: `ce:1.${seqno}:x`, writeSetDigest: 'a', claimsDigest: 'b' });
    await Promise.all(
      Array.from({ length: 9 }, async (_, w) => {
        for (let done = 0; done < 4; ) {
          try {
            await stores[w % 3]!.tx(async (repos) => {
              const head = await repos.ledgerTransactions.head();
              await repos.ledgerTransactions.append([row(head + 1), row(head + 2)]);
            });
            done++;
          } catch (err) {
            if (!isConflict(err)) throw err;
          }
        }
      }),
    );
    const rows = await stores[0]!.ledgerTransactions.range(1, 1000);
    assert.deepEqual(rows.map((r) => r.seqno), Array.from({ length: 72 }, (_, i) => i + 1));
  });
});

test('postgres: key versions and deletions of one name from 3 pools: no version lands in a deleted name', { skip }, async () => {
  await replicas(3, async (stores) => {
    const version = (n: number) => ({ name: 'k', version: `v${n}`, meta: '{}', sealedMaterial: Uint8Array.of(n) });
    await stores[0]!.keyVersions.insert(version(0));
    const jobs = Array.from({ length: 24 }, (_, i) =>
      i % 4 === 0 ? stores[i % 3]!.deletedKeys.markDeleted({ name: 'k', deletedDate: i, scheduledPurgeDate: i + 1 }) : stores[i % 3]!.keyVersions.insert(version(i + 1)),
    );
    const results = await Promise.all(jobs);
    assert.equal(results.filter((r) => r === true).length, 1, 'deleted once');
    const inserted = results.filter((r) => r === 'inserted').length;
    assert.equal((await stores[1]!.keyVersions.allVersions('k')).length, 1 + inserted);
    assert.equal(await stores[2]!.keyVersions.insert(version(99)), 'deleted');
  });
});

test('postgres: a deadlock between two transactions is retried, the retry counted, and both commit', { skip }, async () => {
  await replicas(2, async ([a, b]) => {
    // Each holds one type's counter row and then wants the other's: a lock cycle PostgreSQL breaks by aborting one.
    let arrived = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    const meet = async (): Promise<void> => {
      arrived += 1;
      if (arrived === 2) release();
      await bothHoldOne;
    };
    const cross = (store: Store, first: string, second: string, n: number) =>
      store.tx(async (repos) => {
        await repos.activations.insert({ uuid: uuidOf(n), marbleType: first, sealed: Uint8Array.of(n) }, 10);
        await meet();
        await repos.activations.insert({ uuid: uuidOf(n + 1), marbleType: second, sealed: Uint8Array.of(n) }, 10);
      });
    await a!.activations.insert({ uuid: uuidOf(100), marbleType: 'x', sealed: Uint8Array.of(0) }, 10);
    await a!.activations.insert({ uuid: uuidOf(101), marbleType: 'y', sealed: Uint8Array.of(0) }, 10);
    await Promise.all([cross(a!, 'x', 'y', 1), cross(b!, 'y', 'x', 3)]);
    assert.equal(a!.retries() + b!.retries(), 1);
    assert.equal(await a!.activations.count('x'), 3);
    assert.equal(await b!.activations.count('y'), 3);
  });
});

test('postgres: transactions on 3 pools that read the audit head and append to it all land, in one unbroken chain (the head is read under the chain lock)', { skip }, async () => {
  await replicas(3, async (stores) => {
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        stores[i % 3]!.tx(async (repos) => {
          const head = (await repos.auditLog.head()) ?? { seq: 0, hash: 'genesis' };
          // Work between reading the head and appending, as signing the entry is.
          await new Promise((resolve) => setTimeout(resolve, 2));
          await repos.auditLog.append({ seq: head.seq + 1, prevHash: head.hash, hash: `h${head.seq + 1}-${i}`, entry: '{}' });
        }),
      ),
    );
    const rows = await stores[0]!.auditLog.list();
    assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 24 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prevHash, rows[i - 1]!.hash);
  });
});
