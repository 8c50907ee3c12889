/**
 * The storage contract: every engine must pass these, unchanged. An engine's test file calls
 * `storeContract(name, open)` with a factory that returns a fresh, empty store. Nothing here
 * knows the engine: the race tests start many writers at once, let their transactions
 * interleave at every await, and check that each repository's invariant held anyway, which is
 * what an engine with concurrent transactions (PostgreSQL) must show as well.
 */
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { storeTest } from './store-test.js';
import type { AuditRow, ManagementCertificateRow, SealedStateRecord, SigningKeyRow, Store } from '../src/index.js';

/** Yields to the event loop, so that other writers' statements run between two of ours. */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const isConflict = (err: unknown): boolean => isConfideError(err, 'ERR_STORE_CONFLICT');
const isExpectation = (err: unknown): boolean => isConflict(err) && (err as { details?: { reason?: string } }).details?.reason === 'expectation';

function record(n: number, extra: Partial<SealedStateRecord> = {}): SealedStateRecord {
  return { provider: 'memory', wrappedDataKey: Uint8Array.of(1, 2, n), recoveryData: null, recoveryShares: null, sealedState: Uint8Array.of(n), ...extra };
}

function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A counter row at `value` (8 bytes big-endian), its sealed bytes tagged with `tag`. */
function counter(id: string, value: bigint, tag = 0): { id: string; value: Uint8Array; sealed: Uint8Array } {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return { id, value: bytes, sealed: Uint8Array.of(tag, Number(value % 256n)) };
}

function valueOf(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}

function auditRow(seq: number, prevHash: string): AuditRow {
  return { seq, prevHash, hash: `h${seq}`, entry: JSON.stringify({ seq, prevHash }) };
}

function certificate(thumbprint: string, addedBy: string | null = null): ManagementCertificateRow {
  return { thumbprint, der: Uint8Array.of(0x30, thumbprint.length), addedAt: '2026-01-01T00:00:00.000Z', addedBy };
}

function signingKey(kid: string, createdAt: string): SigningKeyRow {
  return { kid, createdAt, retiredAt: null, certificateDer: Uint8Array.of(0x30, 1), sealedPrivateKey: Uint8Array.of(9, 9) };
}

/** Settles every promise; returns the results and the errors. */
async function settle<T>(jobs: Array<Promise<T>>): Promise<{ values: T[]; errors: unknown[] }> {
  const out = await Promise.allSettled(jobs);
  return {
    values: out.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled').map((r) => r.value as T),
    errors: out.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown),
  };
}

export function storeContract(engine: string, open: () => Promise<Store>, options: { skip?: string } = {}): void {
  const t = storeTest(engine, open, options);

  t('reports itself migrated and reachable', async (store) => {
    await store.ping();
    assert.ok((await store.schemaVersion()) >= 1);
  });

  // ---- sealed state --------------------------------------------------------------------------

  t('sealed state: empty, then written at version 1, then each write one more', async (store) => {
    assert.equal(await store.sealedState.get(), undefined);
    assert.equal(await store.sealedState.version(), 0);
    const shares = { alice: 'c2hhcmU=' };
    assert.equal(await store.sealedState.write(record(1, { recoveryData: { threshold: 1, keys: ['alice'] }, recoveryShares: shares }), 0), 1);
    assert.deepEqual(await store.sealedState.get(), { version: 1, ...record(1, { recoveryData: { threshold: 1, keys: ['alice'] }, recoveryShares: shares }) });
    assert.equal(await store.sealedState.write(record(2), 1), 2);
    assert.equal(await store.sealedState.version(), 2);
    assert.deepEqual(await store.sealedState.get(), { version: 2, ...record(2) });
  });

  t('sealed state: a write naming a stale version is refused with ERR_STORE_CONFLICT and changes nothing', async (store) => {
    await assert.rejects(store.sealedState.write(record(1), 1), isConflict, 'no record yet');
    await store.sealedState.write(record(1), 0);
    await assert.rejects(store.sealedState.write(record(9), 0), isConflict, 'a second first write');
    await store.sealedState.write(record(2), 1);
    for (const stale of [0, 1, 3]) {
      await assert.rejects(store.sealedState.write(record(9), stale), (err: unknown) => isConflict(err) && (err as { details?: { reason?: string } }).details?.reason === 'version');
    }
    assert.deepEqual(await store.sealedState.get(), { version: 2, ...record(2) });
  });

  t('sealed state: expectVersion fails the whole transaction (ERR_STORE_CONFLICT, reason expectation) unless the version is the stored one', async (store) => {
    await store.tx(async (repos) => repos.sealedState.expectVersion(0));
    await store.sealedState.write(record(1), 0);
    await store.sealedState.expectVersion(1);
    await assert.rejects(store.sealedState.expectVersion(2), isExpectation, 'on the store, at once');
    for (const stale of [0, 2]) {
      await assert.rejects(
        store.tx(async (repos) => {
          await repos.sealedState.expectVersion(stale);
          await repos.activations.insert({ uuid: uuidOf(stale + 1), marbleType: 'web', sealed: Uint8Array.of(1) }, 0);
          return repos.auditLog.append(auditRow(1, 'genesis'));
        }),
        isExpectation,
      );
    }
    // The failure may come from the check itself or from a later call that waits for the server: either way the transaction fails with it.
    await assert.rejects(
      store.tx(async (repos) => {
        await repos.sealedState.expectVersion(7);
        await repos.activations.find(uuidOf(1));
      }),
      isExpectation,
    );
    assert.equal(await store.activations.find(uuidOf(1)), undefined, 'nothing of a failed transaction committed');
    assert.equal(await store.auditLog.head(), undefined);
    await store.tx(async (repos) => {
      await repos.sealedState.expectVersion(1);
      await repos.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 0);
    });
    assert.ok(await store.activations.find(uuidOf(1)));
  });

  t('sealed state race: of many writers that read the same version, exactly one writes', async (store) => {
    await store.sealedState.write(record(0), 0);
    const seen = await store.sealedState.version();
    const writers = Array.from({ length: 20 }, (_, i) =>
      store.tx(async (repos) => {
        await pause();
        await repos.sealedState.get();
        await pause();
        return repos.sealedState.write(record(i + 1), seen);
      }),
    );
    const { values, errors } = await settle(writers);
    assert.deepEqual(values, [2]);
    assert.equal(errors.length, 19);
    assert.ok(errors.every(isConflict));
    const stored = (await store.sealedState.get())!;
    assert.equal(stored.version, 2);
    assert.ok(stored.sealedState[0]! >= 1 && stored.sealedState[0]! <= 20);
  });

  t('sealed state race: writers that re-read and retry on conflict lose no update', async (store) => {
    await store.sealedState.write(record(0), 0);
    const increment = async (): Promise<void> => {
      for (;;) {
        const read = await store.sealedState.get();
        await pause();
        try {
          await store.tx(async (repos) => {
            await pause();
            await repos.sealedState.write(record(read!.sealedState[0]! + 1), read!.version);
          });
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: 15 }, increment));
    const stored = (await store.sealedState.get())!;
    assert.equal(stored.sealedState[0], 15);
    assert.equal(stored.version, 16);
  });

  // ---- activations -------------------------------------------------------------------------

  t('activations: insert, find, count per type, update by revision', async (store) => {
    assert.equal(await store.activations.find(uuidOf(1)), undefined);
    assert.equal(await store.activations.count('web'), 0);
    assert.equal(await store.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 9), 'inserted');
    assert.equal(await store.activations.insert({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(2) }, 9), 'inserted');
    assert.equal(await store.activations.insert({ uuid: uuidOf(3), marbleType: 'db', sealed: Uint8Array.of(3) }, 9), 'inserted');
    assert.deepEqual(await store.activations.find(uuidOf(1)), { uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1), revision: 1 });
    assert.equal(await store.activations.count('web'), 2);
    assert.equal(await store.activations.count('db'), 1);
    assert.equal(await store.activations.count('we'), 0, 'a prefix of a type is not the type');
    assert.equal(await store.activations.update(uuidOf(1), 'web', Uint8Array.of(7), 1), 2);
    assert.deepEqual(await store.activations.find(uuidOf(1)), { uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(7), revision: 2 });
    assert.equal(await store.activations.count('web'), 2, 'an update without a limit counts nothing');
  });

  // MarbleRun coordinator/core/marbleapi.go Activate: `if marble.MaxActivations > 0 { txdata.IncrementActivations(...) }`
  // after every successful activation, re-activations of a UUID included; verifyManifestRequirement refuses at `activations >= MaxActivations`.
  t('activations: with a limit every activation counts, re-activations too; without one nothing counts', async (store) => {
    assert.equal(await store.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 0), 'inserted');
    assert.equal(await store.activations.count('web'), 0, 'MaxActivations 0 counts nothing');
    assert.equal(await store.activations.update(uuidOf(1), 'web', Uint8Array.of(2), 1, 2), 2);
    assert.equal(await store.activations.update(uuidOf(1), 'web', Uint8Array.of(3), 2, 2), 3);
    assert.equal(await store.activations.count('web'), 2, 'two re-activations of one UUID count twice');
    assert.equal(await store.activations.update(uuidOf(1), 'web', Uint8Array.of(4), 3, 2), 'limit');
    assert.deepEqual(await store.activations.find(uuidOf(1)), { uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(3), revision: 3 }, 'a refused re-activation leaves the record');
    assert.equal(await store.activations.insert({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(5) }, 2), 'limit');
    assert.equal(await store.activations.count('web'), 2);
    assert.equal(await store.activations.update(uuidOf(1), 'web', Uint8Array.of(6), 3, 3), 4, 'a higher limit leaves room for one more');
    assert.equal(await store.activations.update(uuidOf(1), 'web', Uint8Array.of(7), 4, 0), 5, 'no limit: no refusal');
    assert.equal(await store.activations.count('web'), 3);
  });

  t('activations: a re-activation that conflicts counts nothing', async (store) => {
    await store.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 5);
    await assert.rejects(store.activations.update(uuidOf(1), 'web', Uint8Array.of(2), 7, 5), isConflict);
    await assert.rejects(store.activations.update(uuidOf(1), 'db', Uint8Array.of(2), 1, 5), isConflict);
    await assert.rejects(store.tx((repos) => repos.activations.update(uuidOf(1), 'web', Uint8Array.of(2), 7, 5)), isConflict);
    assert.equal(await store.activations.count('web'), 1);
    assert.equal(await store.activations.count('db'), 0);
  });

  t('activations: a recorded UUID is not inserted again, under its type or another', async (store) => {
    await store.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 0);
    assert.equal(await store.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(2) }, 0), 'exists');
    assert.equal(await store.activations.insert({ uuid: uuidOf(1), marbleType: 'db', sealed: Uint8Array.of(3) }, 0), 'exists');
    assert.deepEqual((await store.activations.find(uuidOf(1)))?.sealed, Uint8Array.of(1));
    assert.equal(await store.activations.count('web'), 0);
    assert.equal(await store.activations.count('db'), 0);
  });

  t('activations: MaxActivations refuses the next UUID and leaves no row behind', async (store) => {
    for (let i = 1; i <= 3; i++) assert.equal(await store.activations.insert({ uuid: uuidOf(i), marbleType: 'web', sealed: Uint8Array.of(i) }, 3), 'inserted');
    assert.equal(await store.activations.insert({ uuid: uuidOf(4), marbleType: 'web', sealed: Uint8Array.of(4) }, 3), 'limit');
    assert.equal(await store.activations.find(uuidOf(4)), undefined);
    assert.equal(await store.activations.count('web'), 3);
    assert.equal(await store.activations.insert({ uuid: uuidOf(4), marbleType: 'db', sealed: Uint8Array.of(4) }, 3), 'inserted', 'the limit is per type');
    assert.equal(await store.activations.insert({ uuid: uuidOf(5), marbleType: 'web', sealed: Uint8Array.of(5) }, 0), 'inserted', '0 means no limit');
    assert.equal(await store.activations.count('web'), 3, 'and no count');
  });

  t('activations: an update naming a stale revision, another type or an unknown UUID is refused', async (store) => {
    await store.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 0);
    await store.activations.update(uuidOf(1), 'web', Uint8Array.of(2), 1);
    await assert.rejects(store.activations.update(uuidOf(1), 'web', Uint8Array.of(3), 1), isConflict);
    await assert.rejects(store.activations.update(uuidOf(1), 'db', Uint8Array.of(3), 2), isConflict);
    await assert.rejects(store.activations.update(uuidOf(2), 'web', Uint8Array.of(3), 1), isConflict);
    assert.deepEqual(await store.activations.find(uuidOf(1)), { uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(2), revision: 2 });
  });

  t('activations: clear forgets every row and every count', async (store) => {
    for (let i = 1; i <= 3; i++) await store.activations.insert({ uuid: uuidOf(i), marbleType: i === 3 ? 'db' : 'web', sealed: Uint8Array.of(i) }, 2);
    await store.activations.clear();
    assert.equal(await store.activations.find(uuidOf(1)), undefined);
    assert.equal(await store.activations.count('web'), 0);
    for (let i = 1; i <= 2; i++) assert.equal(await store.activations.insert({ uuid: uuidOf(i), marbleType: 'web', sealed: Uint8Array.of(i) }, 2), 'inserted');
  });

  t('activations: insertNew records a new UUID with room; a recorded UUID or a full type fails the whole transaction (reason expectation), nothing written or counted', async (store) => {
    await store.tx(async (repos) => repos.activations.insertNew({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 2));
    await store.activations.insertNew({ uuid: uuidOf(2), marbleType: 'db', sealed: Uint8Array.of(2) }, 0);
    assert.equal(await store.activations.count('web'), 1);
    assert.equal(await store.activations.count('db'), 0, 'MaxActivations 0 counts nothing');
    const refused = [
      { uuid: uuidOf(1), marbleType: 'web', max: 2, why: 'a recorded UUID' },
      { uuid: uuidOf(1), marbleType: 'db', max: 0, why: 'a recorded UUID under another type' },
    ];
    await store.activations.insert({ uuid: uuidOf(3), marbleType: 'web', sealed: Uint8Array.of(3) }, 2);
    refused.push({ uuid: uuidOf(4), marbleType: 'web', max: 2, why: 'a full type' });
    for (const { uuid, marbleType, max, why } of refused) {
      await assert.rejects(
        store.tx(async (repos) => {
          await repos.auditLog.append(auditRow(1, 'genesis'));
          await repos.activations.insertNew({ uuid, marbleType, sealed: Uint8Array.of(9) }, max);
        }),
        isExpectation,
        why,
      );
      await assert.rejects(store.activations.insertNew({ uuid, marbleType, sealed: Uint8Array.of(9) }, max), isExpectation, `${why}, on the store`);
    }
    assert.deepEqual((await store.activations.find(uuidOf(1)))?.sealed, Uint8Array.of(1));
    assert.equal(await store.activations.find(uuidOf(4)), undefined);
    assert.equal(await store.activations.count('web'), 2);
    assert.equal(await store.auditLog.head(), undefined, 'the rest of a failed transaction did not commit');
  });

  t('MaxActivations race: writers that all expect room through insertNew still admit exactly MaxActivations', async (store) => {
    const max = 5;
    const writers = 30;
    const { values, errors } = await settle(
      Array.from({ length: writers }, (_, i) =>
        store.tx(async (repos) => {
          await pause();
          await repos.activations.insertNew({ uuid: uuidOf(i + 1), marbleType: 'web', sealed: Uint8Array.of(i) }, max);
          await pause();
          return i;
        }),
      ),
    );
    assert.equal(values.length, max);
    assert.equal(errors.length, writers - max);
    assert.ok(errors.every(isExpectation));
    assert.equal(await store.activations.count('web'), max);
    let rows = 0;
    for (let i = 1; i <= writers; i++) if (await store.activations.find(uuidOf(i))) rows += 1;
    assert.equal(rows, max, 'exactly the admitted UUIDs have rows');
  });

  t('MaxActivations race: writers that all saw room still admit exactly MaxActivations', async (store) => {
    const max = 5;
    const writers = 40;
    // Every writer checks first and sees room, as a caller's early check would: the repository must still hold the line.
    const seen = await Promise.all(Array.from({ length: writers }, () => store.activations.count('web')));
    assert.ok(seen.every((n) => n < max));
    const { values, errors } = await settle(
      Array.from({ length: writers }, (_, i) =>
        store.tx(async (repos) => {
          await pause();
          await repos.activations.count('web');
          await pause();
          return repos.activations.insert({ uuid: uuidOf(i + 1), marbleType: 'web', sealed: Uint8Array.of(i) }, max);
        }),
      ),
    );
    assert.deepEqual(errors, []);
    assert.equal(values.filter((v) => v === 'inserted').length, max);
    assert.equal(values.filter((v) => v === 'limit').length, writers - max);
    assert.equal(await store.activations.count('web'), max);
    let rows = 0;
    for (let i = 1; i <= writers; i++) if (await store.activations.find(uuidOf(i))) rows += 1;
    assert.equal(rows, max, 'exactly the admitted UUIDs have rows');
  });

  t('MaxActivations race outside transactions, mixed with other types', async (store) => {
    const { values } = await settle(
      Array.from({ length: 30 }, (_, i) => store.activations.insert({ uuid: uuidOf(i + 1), marbleType: i % 2 === 0 ? 'web' : 'db', sealed: Uint8Array.of(i) }, 4)),
    );
    assert.equal(values.filter((v) => v === 'inserted').length, 8);
    assert.equal(await store.activations.count('web'), 4);
    assert.equal(await store.activations.count('db'), 4);
  });

  t('activation race: one UUID activated by many writers at once is recorded once', async (store) => {
    const { values, errors } = await settle(
      Array.from({ length: 12 }, (_, i) =>
        store.tx(async (repos) => {
          await pause();
          return repos.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(i) }, 20);
        }),
      ),
    );
    assert.deepEqual(errors, []);
    assert.equal(values.filter((v) => v === 'inserted').length, 1);
    assert.equal(values.filter((v) => v === 'exists').length, 11);
    assert.equal(await store.activations.count('web'), 1, 'the writers that found the UUID recorded gave their places back');
  });

  t('activation race: of updates that read the same revision, exactly one lands', async (store) => {
    await store.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(0) }, 0);
    const read = (await store.activations.find(uuidOf(1)))!;
    const { values, errors } = await settle(
      Array.from({ length: 10 }, (_, i) =>
        store.tx(async (repos) => {
          await pause();
          return repos.activations.update(uuidOf(1), 'web', Uint8Array.of(i + 1), read.revision);
        }),
      ),
    );
    assert.deepEqual(values, [2]);
    assert.ok(errors.length === 9 && errors.every(isConflict));
  });

  t('MaxActivations race: re-activations of many UUIDs at once take exactly the places left', async (store) => {
    for (let i = 1; i <= 12; i++) await store.activations.insert({ uuid: uuidOf(i), marbleType: 'web', sealed: Uint8Array.of(i) }, 0);
    await store.activations.insert({ uuid: uuidOf(99), marbleType: 'web', sealed: Uint8Array.of(0) }, 5);
    const { values, errors } = await settle(
      Array.from({ length: 12 }, (_, i) =>
        store.tx(async (repos) => {
          await pause();
          return repos.activations.update(uuidOf(i + 1), 'web', Uint8Array.of(50 + i), 1, 5);
        }),
      ),
    );
    assert.deepEqual(errors, []);
    assert.equal(values.filter((v) => v === 2).length, 4);
    assert.equal(values.filter((v) => v === 'limit').length, 8);
    assert.equal(await store.activations.count('web'), 5);
  });

  // ---- monotonic counters --------------------------------------------------------------------

  t('monotonic counters: raised only upwards; each raise answers the value before', async (store) => {
    assert.equal(await store.monotonicCounters.get('a'), undefined);
    assert.equal(await store.monotonicCounters.raise(counter('a', 5n)), undefined);
    assert.deepEqual(await store.monotonicCounters.raise(counter('a', 7n)), counter('a', 5n));
    assert.deepEqual(await store.monotonicCounters.raise(counter('a', 6n)), counter('a', 7n), 'a lower value answers the current one');
    assert.deepEqual(await store.monotonicCounters.raise(counter('a', 7n, 9)), counter('a', 7n), 'an equal value changes nothing, not even the sealed bytes');
    assert.deepEqual(await store.monotonicCounters.get('a'), counter('a', 7n));
    assert.equal(await store.monotonicCounters.raise(counter('b', 0n)), undefined, 'counters are independent');
    assert.deepEqual(await store.monotonicCounters.raise(counter('a', 2n ** 64n - 1n)), counter('a', 7n));
    assert.deepEqual(await store.monotonicCounters.get('a'), counter('a', 2n ** 64n - 1n), 'the whole uint64 range, ordered numerically');
    assert.deepEqual(await store.monotonicCounters.raise(counter('a', 2n ** 63n)), counter('a', 2n ** 64n - 1n), 'the top bit is not a sign');
    await assert.rejects(store.monotonicCounters.raise({ id: 'a', value: Uint8Array.of(1), sealed: Uint8Array.of(0) }), RangeError);
    await store.monotonicCounters.clear();
    assert.equal(await store.monotonicCounters.get('a'), undefined);
  });

  t('monotonic counter race: raises of one counter at once end at the highest value, each answered with a value below its own or equal to the final', async (store) => {
    const values = Array.from({ length: 24 }, (_, i) => BigInt((i * 7) % 24) + 1n);
    const { values: before, errors } = await settle(
      values.map((v) =>
        store.tx(async (repos) => {
          await pause();
          return repos.monotonicCounters.raise(counter('c', v));
        }),
      ),
    );
    assert.deepEqual(errors, []);
    assert.equal(before.filter((b) => b === undefined).length, 1, 'exactly one raise created the counter');
    assert.deepEqual(await store.monotonicCounters.get('c'), counter('c', 24n));
    const seen = before.filter((b): b is NonNullable<typeof b> => b !== undefined).map((b) => valueOf(b.value));
    assert.ok(seen.every((v) => v >= 1n && v <= 24n));
  });

  // ---- audit log -----------------------------------------------------------------------------

  t('audit log: appends in sequence, lists oldest first, reports the head', async (store) => {
    assert.equal(await store.auditLog.head(), undefined);
    assert.deepEqual(await store.auditLog.list(), []);
    await store.auditLog.append(auditRow(1, '0'.repeat(64)));
    await store.auditLog.append(auditRow(2, 'h1'));
    await store.auditLog.append(auditRow(3, 'h2'));
    assert.deepEqual(await store.auditLog.head(), { seq: 3, hash: 'h3' });
    assert.deepEqual(await store.auditLog.list(), [auditRow(1, '0'.repeat(64)), auditRow(2, 'h1'), auditRow(3, 'h2')]);
    assert.deepEqual(await store.auditLog.list(0), await store.auditLog.list());
    assert.deepEqual(await store.auditLog.list(1), [auditRow(2, 'h1'), auditRow(3, 'h2')], 'after seq 1');
    assert.deepEqual(await store.auditLog.list(3), [], 'after the head');
    assert.deepEqual(await store.auditLog.list(Number.MAX_SAFE_INTEGER), []);
  });

  t('audit log: an entry that does not extend the head is refused with ERR_STORE_CONFLICT', async (store) => {
    await assert.rejects(store.auditLog.append(auditRow(2, 'h1')), isConflict, 'a gap at the start');
    await assert.rejects(store.auditLog.append(auditRow(0, 'x')), isConflict, 'seq 0');
    await store.auditLog.append(auditRow(1, 'genesis'));
    await assert.rejects(store.auditLog.append(auditRow(1, 'genesis')), isConflict, 'the same seq again');
    await assert.rejects(store.auditLog.append(auditRow(3, 'h2')), isConflict, 'a gap');
    await assert.rejects(store.auditLog.append(auditRow(2, 'not-h1')), isConflict, 'another chain');
    await store.auditLog.append(auditRow(2, 'h1'));
    assert.deepEqual((await store.auditLog.list()).map((r) => r.seq), [1, 2]);
  });

  t('audit log race: of appenders that read the same head, exactly one appends; retrying ones keep the chain whole', async (store) => {
    const { values, errors } = await settle(
      Array.from({ length: 10 }, () =>
        store.tx(async (repos) => {
          await pause();
          await repos.auditLog.append(auditRow(1, 'genesis'));
          return 1;
        }),
      ),
    );
    assert.equal(values.length, 1);
    assert.ok(errors.length === 9 && errors.every(isConflict));
    const appendOne = async (): Promise<void> => {
      for (;;) {
        try {
          await store.tx(async (repos) => {
            const head = (await repos.auditLog.head())!;
            await pause();
            await repos.auditLog.append(auditRow(head.seq + 1, head.hash));
          });
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, appendOne));
    const rows = await store.auditLog.list();
    assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 13 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prevHash, rows[i - 1]!.hash);
  });

  // ---- attestation -----------------------------------------------------------------------------

  t('policies: put replaces, get reads, delete reports whether one went', async (store) => {
    assert.equal(await store.policies.get('SgxEnclave'), undefined);
    const signed = { type: 'SgxEnclave', text: 'version=1.0;', jws: 'a.b.c', signer: { kty: 'RSA', x5c: ['MII='] }, setAt: '2026-01-01T00:00:00.000Z' };
    await store.policies.put(signed);
    assert.deepEqual(await store.policies.get('SgxEnclave'), signed);
    const unsigned = { type: 'SgxEnclave', text: 'version=1.1;', jws: 'a.b.', signer: null, setAt: '2026-01-02T00:00:00.000Z' };
    await store.policies.put(unsigned);
    assert.deepEqual(await store.policies.get('SgxEnclave'), unsigned);
    assert.equal(await store.policies.get('SevSnpVm'), undefined, 'per type');
    assert.equal(await store.policies.delete('SgxEnclave'), true);
    assert.equal(await store.policies.delete('SgxEnclave'), false);
    assert.equal(await store.policies.get('SgxEnclave'), undefined);
  });

  t('management certificates: add once, seed only an empty repository, never remove the last', async (store) => {
    assert.equal(await store.managementCertificates.seed([certificate('AA'), certificate('BB')]), 2);
    assert.equal(await store.managementCertificates.seed([certificate('CC')]), 0, 'seeding a repository that has certificates does nothing');
    assert.equal(await store.managementCertificates.add(certificate('CC', 'AA')), true);
    assert.equal(await store.managementCertificates.add(certificate('CC', 'BB')), false);
    assert.deepEqual(await store.managementCertificates.list(), [certificate('AA'), certificate('BB'), certificate('CC', 'AA')]);
    assert.equal(await store.managementCertificates.removeUnlessLast('ZZ'), 'absent');
    assert.equal(await store.managementCertificates.removeUnlessLast('AA'), 'removed');
    assert.equal(await store.managementCertificates.removeUnlessLast('CC'), 'removed');
    assert.equal(await store.managementCertificates.removeUnlessLast('BB'), 'last');
    assert.deepEqual((await store.managementCertificates.list()).map((c) => c.thumbprint), ['BB']);
  });

  t('management certificates race: concurrent removals leave one certificate', async (store) => {
    await store.managementCertificates.seed(['AA', 'BB', 'CC', 'DD'].map((t) => certificate(t)));
    const { values } = await settle(
      ['AA', 'BB', 'CC', 'DD'].map((thumbprint) =>
        store.tx(async (repos) => {
          await repos.managementCertificates.list();
          await pause();
          return repos.managementCertificates.removeUnlessLast(thumbprint);
        }),
      ),
    );
    assert.equal(values.filter((v) => v === 'removed').length, 3);
    assert.equal(values.filter((v) => v === 'last').length, 1);
    assert.equal((await store.managementCertificates.list()).length, 1);
  });

  t('signing keys: insert once, retire once, delete', async (store) => {
    const a = signingKey('kid-a', '2026-01-01T00:00:00.000Z');
    const b = signingKey('kid-b', '2026-01-02T00:00:00.000Z');
    await store.signingKeys.insert(b);
    await store.signingKeys.insert(a);
    await assert.rejects(store.signingKeys.insert(a), isConflict);
    assert.deepEqual(await store.signingKeys.list(), [a, b], 'oldest first');
    assert.equal(await store.signingKeys.retire('kid-a', '2026-01-03T00:00:00.000Z'), true);
    assert.equal(await store.signingKeys.retire('kid-a', '2026-01-04T00:00:00.000Z'), false, 'retired once');
    assert.equal(await store.signingKeys.retire('kid-x', '2026-01-04T00:00:00.000Z'), false);
    assert.deepEqual(await store.signingKeys.list(), [{ ...a, retiredAt: '2026-01-03T00:00:00.000Z' }, b]);
    assert.equal(await store.signingKeys.delete('kid-a'), true);
    assert.equal(await store.signingKeys.delete('kid-a'), false);
    assert.deepEqual(await store.signingKeys.list(), [b]);
  });

  t('management requests: a request is recorded over the scope generation it read, and stays bound to its scope', async (store) => {
    const ledger = store.managementRequests;
    assert.equal(await ledger.find('r1'), undefined);
    assert.equal(await ledger.scope('policy:SgxEnclave'), undefined);
    assert.equal(await ledger.record({ id: 'r1', scope: 'policy:SgxEnclave', ops: ['set'], at: 't1' }, 'r1:set', 0), 1);
    assert.deepEqual(await ledger.find('r1'), { id: 'r1', scope: 'policy:SgxEnclave', ops: ['set'], at: 't1' });
    assert.deepEqual(await ledger.scope('policy:SgxEnclave'), { scope: 'policy:SgxEnclave', generation: 1, last: 'r1:set' });
    await assert.rejects(ledger.record({ id: 'r2', scope: 'policy:SgxEnclave', ops: ['set'], at: 't2' }, 'r2:set', 0), isConflict, 'a stale generation');
    assert.equal(await ledger.record({ id: 'r2', scope: 'policy:SgxEnclave', ops: ['set'], at: 't2' }, 'r2:set', 1), 2);
    // r1 used again for its own scope updates its row; for another scope it is refused and nothing moves.
    assert.equal(await ledger.record({ id: 'r1', scope: 'policy:SgxEnclave', ops: ['set', 'reset'], at: 't3' }, 'r1:reset', 2), 3);
    assert.deepEqual((await ledger.find('r1'))?.ops, ['set', 'reset']);
    await assert.rejects(ledger.record({ id: 'r1', scope: 'policy:TdxVm', ops: ['set'], at: 't4' }, 'r1:set', 0), isConflict);
    assert.equal(await ledger.scope('policy:TdxVm'), undefined);
    assert.equal((await ledger.find('r1'))?.scope, 'policy:SgxEnclave');
  });

  t('management requests race: of writers that read the same generation, exactly one records its change', async (store) => {
    await store.managementRequests.record({ id: 'r0', scope: 'certificate:AA', ops: ['add'], at: 't' }, 'r0:add', 0);
    const seen = (await store.managementRequests.scope('certificate:AA'))!.generation;
    const { values, errors } = await settle(
      Array.from({ length: 10 }, (_, i) =>
        store.tx(async (repos) => {
          await pause();
          return repos.managementRequests.record({ id: `r${i + 1}`, scope: 'certificate:AA', ops: ['remove'], at: 't' }, `r${i + 1}:remove`, seen);
        }),
      ),
    );
    assert.deepEqual(values, [2]);
    assert.ok(errors.length === 9 && errors.every(isConflict));
    const winner = (await store.managementRequests.scope('certificate:AA'))!.last;
    let recorded = 0;
    for (let i = 1; i <= 10; i++) if (await store.managementRequests.find(`r${i}`)) recorded += 1;
    assert.equal(recorded, 1, `only the winner (${winner}) is recorded`);
  });

  // ---- transactions --------------------------------------------------------------------------

  t('tx commits writes to every repository together', async (store) => {
    const out = await store.tx(async (repos) => {
      await repos.sealedState.write(record(1), 0);
      await repos.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 1);
      await repos.auditLog.append(auditRow(1, 'genesis'));
      await repos.policies.put({ type: 'Tpm', text: 'p', jws: 'j', signer: null, setAt: 't' });
      return 'done';
    });
    assert.equal(out, 'done');
    assert.equal(await store.sealedState.version(), 1);
    assert.equal(await store.activations.count('web'), 1);
    assert.deepEqual(await store.auditLog.head(), { seq: 1, hash: 'h1' });
    assert.equal((await store.policies.get('Tpm'))?.text, 'p');
  });

  t('tx rolls back every repository when fn throws, and rethrows', async (store) => {
    await store.sealedState.write(record(1), 0);
    await assert.rejects(
      store.tx(async (repos) => {
        await repos.sealedState.write(record(2), 1);
        await repos.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 1);
        await repos.auditLog.append(auditRow(1, 'genesis'));
        await repos.signingKeys.insert(signingKey('k', 't'));
        await repos.managementCertificates.add(certificate('AA'));
        assert.equal(await repos.activations.count('web'), 1, 'a transaction sees its own writes');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await store.sealedState.get(), { version: 1, ...record(1) });
    assert.equal(await store.activations.count('web'), 0);
    assert.equal(await store.activations.find(uuidOf(1)), undefined);
    assert.equal(await store.auditLog.head(), undefined);
    assert.deepEqual(await store.signingKeys.list(), []);
    assert.deepEqual(await store.managementCertificates.list(), []);
    // The rolled-back place is free again.
    assert.equal(await store.activations.insert({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(2) }, 1), 'inserted');
  });

  t('a refused write inside tx can be caught, and the rest of the transaction still commits', async (store) => {
    await store.sealedState.write(record(1), 0);
    await store.tx(async (repos) => {
      await assert.rejects(repos.sealedState.write(record(5), 0), isConflict);
      assert.equal(await repos.activations.insert({ uuid: uuidOf(1), marbleType: 'web', sealed: Uint8Array.of(1) }, 1), 'inserted');
      assert.equal(await repos.activations.insert({ uuid: uuidOf(2), marbleType: 'web', sealed: Uint8Array.of(2) }, 1), 'limit');
      await repos.sealedState.write(record(2), 1);
    });
    assert.deepEqual(await store.sealedState.get(), { version: 2, ...record(2) });
    assert.equal(await store.activations.count('web'), 1);
    assert.equal(await store.activations.find(uuidOf(2)), undefined);
  });

  t('a closed store refuses work with ERR_STORE_UNAVAILABLE', async (store) => {
    await store.close();
    await assert.rejects(store.ping(), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'));
    await assert.rejects(store.tx(async () => undefined), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'));
    await assert.rejects(store.sealedState.get(), (err: unknown) => isConfideError(err, 'ERR_STORE_UNAVAILABLE'));
  });
}
