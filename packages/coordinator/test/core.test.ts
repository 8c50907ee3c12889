/** The coordinator state machine without HTTP: states, wrong-state refusals, recovery without RecoveryKeys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, utf8, type ConfideError } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { CoordinatorService, CoordinatorState, createMemorySealProvider } from '../src/index.js';

const MANIFEST = utf8(
  JSON.stringify({
    Packages: { pkg: { Tee: 'sim', UniqueID: '11'.repeat(32), Debug: false } },
    Marbles: { m: { Package: 'pkg', Parameters: { Argv: ['m'] } } },
  }),
);

function start(store = openSqliteStore(':memory:'), seal = createMemorySealProvider(new Uint8Array(32).fill(1))) {
  return CoordinatorService.start({ store, seal, evidence: { collateral: emptyCollateral } });
}

const refusedFor = (state: number) => (err: unknown) => isConfideError(err, 'ERR_COORDINATOR_STATE') && (err as ConfideError).details?.state === state;

test('a fresh coordinator accepts a manifest, then marbles; reads before that are refused', async () => {
  const c = await start();
  assert.equal(c.state, CoordinatorState.AcceptingManifest);
  await assert.rejects(c.getManifest(), refusedFor(CoordinatorState.AcceptingManifest));
  await assert.rejects(c.updateLog(), refusedFor(CoordinatorState.AcceptingManifest));
  await assert.rejects(c.recover(new Uint8Array(32)), refusedFor(CoordinatorState.AcceptingManifest));
  const set = await c.setManifest(MANIFEST);
  assert.deepEqual(set.recoverySecrets ?? {}, {});
  assert.equal(c.state, CoordinatorState.AcceptingMarbles);
  assert.deepEqual(await c.status(), { code: 3, message: 'Coordinator is running correctly and ready to accept marbles.' });
  await assert.rejects(c.setManifest(MANIFEST), refusedFor(CoordinatorState.AcceptingMarbles));
  const log = await c.updateLog();
  assert.equal(log.length, 1);
  assert.equal(JSON.parse(log[0]!).update, 'initial manifest set');
});

test('the quote binds SHA-256(root DER || nonce) in the first 32 of 64 report-data bytes', async () => {
  let seen: Uint8Array | undefined;
  const c = await CoordinatorService.start({
    store: openSqliteStore(':memory:'),
    seal: createMemorySealProvider(),
    evidence: { collateral: emptyCollateral },
    quote: async (rd) => ((seen = rd), new Uint8Array([1, 2, 3])),
  });
  const q = await c.quote(utf8('n'));
  assert.deepEqual(q.quote, new Uint8Array([1, 2, 3]));
  assert.equal(seen!.length, 64);
  assert.deepEqual(seen!.subarray(32), new Uint8Array(32));
  const { createHash, X509Certificate } = await import('node:crypto');
  const root = new X509Certificate(q.cert.slice(q.cert.lastIndexOf('-----BEGIN CERTIFICATE-----')));
  assert.deepEqual(Buffer.from(seen!.subarray(0, 32)), createHash('sha256').update(Buffer.concat([root.raw, Buffer.from('n')])).digest());
});

test('without RecoveryKeys a lost seal key cannot be recovered, but a new manifest starts over', async () => {
  const store = openSqliteStore(':memory:');
  await (await start(store)).setManifest(MANIFEST);
  const lost = await start(store, createMemorySealProvider());
  assert.equal(lost.state, CoordinatorState.Recovery);
  await assert.rejects(lost.recover(new Uint8Array(32)), refusedFor(1));
  await assert.rejects(lost.updateLog(), refusedFor(CoordinatorState.Recovery));
  assert.equal((await lost.quote()).quote.length, 0);
  await lost.setManifest(MANIFEST);
  assert.equal(lost.state, CoordinatorState.AcceptingMarbles);
});

test('activation before a manifest is refused with the state', async () => {
  const c = await start();
  await assert.rejects(
    c.activate({ marbleType: 'm', uuid: '6f0c5e5e-0000-4000-8000-000000000000', evidence: new Uint8Array(10), clientCertificate: undefined }),
    refusedFor(CoordinatorState.AcceptingManifest),
  );
});
