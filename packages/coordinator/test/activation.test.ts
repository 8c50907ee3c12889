/**
 * Activation records outside the sealed state: they survive a restart, MaxActivations holds
 * with many activations in flight, a rotation between signing and commit is handled, the sealed
 * state does not grow, altered records are refused, and a replica's state change is seen by
 * its version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID, webcrypto, X509Certificate } from 'node:crypto';
import { isConfideError, utf8, type ConfideError } from '@confide/core';
import { createSimEvidence, emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { testIdentity } from '@confide/test-kit/identity';
import {
  CoordinatorService,
  CoordinatorState,
  createMemorySealProvider,
  type ActivationResult,
  type SealProvider,
} from '../src/index.js';

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const MEASUREMENT = new Uint8Array(32).fill(0x42);
const code = (c: string) => (err: unknown) => isConfideError(err, c as ConfideError['code']);

const simKey = (await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;

const alice = await testIdentity('alice');

function manifest(extra: { limitedMax?: number; env?: string; withoutLimited?: boolean } = {}): Uint8Array {
  const limited = { Package: 'pkg', MaxActivations: extra.limitedMax ?? 5, Parameters: { Env: { WHO: extra.env ?? 'first' } } };
  return utf8(
    JSON.stringify({
      Packages: { pkg: { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex'), Debug: false } },
      Marbles: {
        one: { Package: 'pkg', MaxActivations: 1, Parameters: { Files: { '/cert.pem': '{{ pem .MarbleRun.MarbleCert.Cert }}' } } },
        ...(extra.withoutLimited ? {} : { limited }),
        free: { Package: 'pkg', Parameters: { Argv: ['free'] } },
      },
      Users: { alice: { Certificate: alice.pem, Roles: ['updater'] } },
      Roles: { updater: { ResourceType: 'Manifest', Actions: ['UpdateManifest'] } },
      Config: { UpdateThreshold: 1 },
    }),
  );
}

function start(store: Store, seal: SealProvider): Promise<CoordinatorService> {
  return CoordinatorService.start({ store, seal, evidence: { collateral: emptyCollateral, simulationKeys: async () => [simKey.publicKey] } });
}

async function deployed(store = openSqliteStore(':memory:'), seal = createMemorySealProvider(new Uint8Array(32).fill(3))) {
  const service = await start(store, seal);
  await service.setManifest(manifest());
  return { service, store, seal };
}

/** A marble: its TLS client certificate and simulated evidence binding that certificate's key. */
async function marble(): Promise<{ der: Uint8Array; evidence: Uint8Array }> {
  const id = await testIdentity('marble');
  const reportData = new Uint8Array(createHash('sha256').update(id.spki).digest());
  return { der: id.der, evidence: await createSimEvidence(simKey, { measurement: MEASUREMENT, reportData }) };
}

async function activate(service: CoordinatorService, marbleType: string, uuid: string): Promise<ActivationResult> {
  const m = await marble();
  return service.activate({ marbleType, uuid, tee: 'sim', evidence: m.evidence, clientCertificate: m.der });
}

const pems = (chain: string) => chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;

async function sealedRecord(store: Store): Promise<{ version: number; sealedState: Uint8Array }> {
  const { version, sealedState } = (await store.sealedState.get())!;
  return { version, sealedState };
}

test('an activation record survives a restart: the UUID re-activates as its type only, and its count with it', async () => {
  const { service, store, seal } = await deployed();
  const uuid = randomUUID();
  await activate(service, 'limited', uuid);
  const restarted = await start(store, seal);
  assert.equal(restarted.state, CoordinatorState.AcceptingMarbles);
  const again = await activate(restarted, 'limited', uuid.toUpperCase());
  assert.match(new X509Certificate(pems(again.certificate)[0]!).subject, new RegExp(`CN=${uuid}`));
  await assert.rejects(activate(restarted, 'free', uuid), code('ERR_ACTIVATION_REFUSED'));
  assert.equal(await store.activations.count('limited'), 2, 'the re-activation after the restart counted');
  assert.equal((await store.activations.find(uuid))?.marbleType, 'limited');
  assert.equal((await store.activations.find(uuid))?.revision, 2, 'the re-activation rewrote the record');
  const log = (await restarted.auditLog()).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    log.filter((e) => e.type === 'marble.activate').map((e) => [e.actor, e.details.reactivation]),
    [
      [uuid, false],
      [uuid, true],
    ],
  );
});

// MarbleRun coordinator/core/marbleapi.go: verifyManifestRequirement refuses when `MaxActivations > 0 &&
// activations >= MaxActivations` ("reached max activations count (%d) for marble type %q", answered by
// Activate as PermissionDenied "marble verification failed: ..."), and Activate calls
// txdata.IncrementActivations(marbleType) after every successful activation while MaxActivations > 0,
// whatever the UUID: a restart of the same instance counts again (store/wrapper/wrapper.go IncrementActivations
// keys the count by type only).
test('MaxActivations counts as MarbleRun counts: every activation, re-activations of a UUID included; a refused one takes no place', async () => {
  const { service, store } = await deployed();
  const uuid = randomUUID();
  await activate(service, 'one', uuid);
  const refusal = await activate(service, 'one', uuid).then(
    () => assert.fail('the second activation of a MaxActivations 1 marble must be refused, even by its own UUID'),
    (err: unknown) => err,
  );
  assert.ok(isConfideError(refusal, 'ERR_MAX_ACTIVATIONS'), String(refusal));
  assert.equal((refusal as ConfideError).message, 'reached max activations count (1) for marble type "one"');
  assert.deepEqual((refusal as ConfideError).details, { marbleType: 'one', maxActivations: 1 });
  assert.equal((await store.activations.find(uuid))?.revision, 1, 'the refused re-activation left the record');
  assert.equal(await store.activations.count('one'), 1);

  // limited (MaxActivations 5): one UUID three times and two others use the five places.
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  for (const u of [a, a, a, b, c]) await activate(service, 'limited', u);
  assert.equal(await store.activations.count('limited'), 5);
  await assert.rejects(activate(service, 'limited', a), code('ERR_MAX_ACTIVATIONS'));
  await assert.rejects(activate(service, 'limited', randomUUID()), code('ERR_MAX_ACTIVATIONS'));
  assert.equal(await store.activations.count('limited'), 5);

  // MaxActivations 0 counts nothing (Activate increments only `if marble.MaxActivations > 0`).
  const free = randomUUID();
  for (let i = 0; i < 4; i++) await activate(service, 'free', free);
  assert.equal(await store.activations.count('free'), 0);
});

// MarbleRun coordinator/clientapi/update.go updateApply replaces packages, marbles, TLS tags and users
// (updateManifestEntries) but never the "activations:<type>" keys, and clientapi.go updateManifest (a
// package update) does not touch them either: the count outlives every update, a type removed and
// added again included, and what was activated while MaxActivations was 0 never counted.
test('the activation count outlives full updates, a type removed and added again, and a limit raised later', async () => {
  const { service, store } = await deployed();
  for (let i = 0; i < 3; i++) await activate(service, 'limited', randomUUID());
  await service.update(alice.der, manifest({ env: 'second' }));
  assert.equal(await store.activations.count('limited'), 3, 'a full update keeps the count');
  for (let i = 0; i < 2; i++) await activate(service, 'limited', randomUUID());
  await assert.rejects(activate(service, 'limited', randomUUID()), code('ERR_MAX_ACTIVATIONS'));

  await service.update(alice.der, manifest({ withoutLimited: true }));
  await assert.rejects(activate(service, 'limited', randomUUID()), code('ERR_ACTIVATION_REFUSED'));
  await service.update(alice.der, manifest({ limitedMax: 5 }));
  await assert.rejects(activate(service, 'limited', randomUUID()), code('ERR_MAX_ACTIVATIONS'), 'removed and added again: still full');

  await service.update(alice.der, manifest({ limitedMax: 0 }));
  for (let i = 0; i < 3; i++) await activate(service, 'limited', randomUUID());
  assert.equal(await store.activations.count('limited'), 5, 'activations while the limit is 0 are not counted');
  await service.update(alice.der, manifest({ limitedMax: 7 }));
  await activate(service, 'limited', randomUUID());
  await activate(service, 'limited', randomUUID());
  await assert.rejects(activate(service, 'limited', randomUUID()), code('ERR_MAX_ACTIVATIONS'));
  assert.equal(await store.activations.count('limited'), 7);
});

test('MaxActivations holds with 16 activations in flight, new UUIDs or one UUID again and again', async () => {
  const { service, store } = await deployed();
  const outcomes = await Promise.allSettled(Array.from({ length: 16 }, () => activate(service, 'limited', randomUUID())));
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 5);
  for (const o of outcomes) if (o.status === 'rejected') assert.ok(isConfideError(o.reason, 'ERR_MAX_ACTIVATIONS'), String(o.reason));
  assert.equal(await store.activations.count('limited'), 5);

  const { service: other, store: otherStore } = await deployed();
  const uuid = randomUUID();
  const same = await Promise.allSettled(Array.from({ length: 16 }, () => activate(other, 'limited', uuid)));
  assert.equal(same.filter((o) => o.status === 'fulfilled').length, 5);
  for (const o of same) if (o.status === 'rejected') assert.ok(isConfideError(o.reason, 'ERR_MAX_ACTIVATIONS'), String(o.reason));
  assert.equal(await otherStore.activations.count('limited'), 5);

  const free = randomUUID();
  const unlimited = await Promise.allSettled(Array.from({ length: 16 }, () => activate(service, 'free', free)));
  assert.deepEqual(
    unlimited.map((o) => o.status),
    Array.from({ length: 16 }, () => 'fulfilled'),
  );
  assert.equal(await store.activations.count('free'), 0);
  const log = (await service.auditLog()).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(log.filter((e) => e.type === 'marble.activate' && e.actor === free && !e.details.reactivation).length, 1);
});

test('an intermediate rotated between signing and commit: the answer is issued again under the new one', async () => {
  const inner = openSqliteStore(':memory:');
  let before: (() => Promise<unknown>) | undefined;
  // Runs `before` ahead of the next transaction: the activation has signed by then, not committed.
  const store: Store = {
    ...inner,
    tx: async (fn) => {
      const run = before;
      before = undefined;
      if (run) await run();
      return inner.tx(fn);
    },
  };
  const { service } = await deployed(store);
  const oldIntermediate = pems((await service.quote()).cert)[0]!;
  const updated = manifest({ env: 'second' });
  before = () => service.update(alice.der, updated);
  const result = await activate(service, 'limited', randomUUID());
  assert.equal(before, undefined);
  const newIntermediate = pems((await service.quote()).cert)[0]!;
  assert.notEqual(newIntermediate, oldIntermediate);
  const [leaf, chained] = pems(result.certificate);
  assert.equal(chained, newIntermediate);
  assert.ok(new X509Certificate(leaf!).verify(new X509Certificate(newIntermediate).publicKey));
  assert.equal(new X509Certificate(leaf!).verify(new X509Certificate(oldIntermediate).publicKey), false);
  // Rendered on the state in force, too: the updated manifest's parameters.
  assert.equal(Buffer.from(result.parameters.env.WHO!).toString(), 'second');
});

test('activations leave the sealed state as it was: it does not grow or change', async () => {
  const { service, store } = await deployed();
  const before = await sealedRecord(store);
  for (let i = 0; i < 10; i++) await activate(service, i % 2 ? 'free' : 'limited', randomUUID());
  await assert.rejects(activate(service, 'limited', randomUUID()), code('ERR_MAX_ACTIVATIONS'));
  assert.deepEqual(await sealedRecord(store), before);
});

test('an altered or moved activation record is refused with ERR_SEAL_UNSEAL_FAILED', async () => {
  const { service, store } = await deployed();
  const [a, b] = [randomUUID(), randomUUID()];
  await activate(service, 'free', a);
  await activate(service, 'free', b);
  // b's record in a's row: sealed for b, it does not open there.
  const [rowA, rowB] = [(await store.activations.find(a))!, (await store.activations.find(b))!];
  await store.activations.update(a, 'free', rowB.sealed, rowA.revision);
  await assert.rejects(activate(service, 'free', a), code('ERR_SEAL_UNSEAL_FAILED'));
  // b's record as a new UUID of another type: sealed for b and 'free', it does not open there either.
  const c = randomUUID();
  assert.equal(await store.activations.insert({ uuid: c, marbleType: 'limited', sealed: rowB.sealed }, 0), 'inserted');
  await assert.rejects(activate(service, 'limited', c), code('ERR_SEAL_UNSEAL_FAILED'));
});

test('a replica sees the other\'s state change by its version: activation after an update on the other issues under the new intermediate', async () => {
  const { service: first, store, seal } = await deployed();
  const second = await start(store, seal);
  await activate(second, 'free', randomUUID());
  const before = (await store.sealedState.get())!.version;
  await first.update(alice.der, manifest({ env: 'replica' }));
  assert.equal((await store.sealedState.get())!.version, before + 1);
  const result = await activate(second, 'limited', randomUUID());
  assert.equal(Buffer.from(result.parameters.env.WHO!).toString(), 'replica');
  assert.equal(pems(result.certificate)[1], pems((await first.quote()).cert)[0]);
  // A change on the replica with the older cache is made on the newer state, not over it.
  await second.update(alice.der, manifest({ env: 'third' }));
  assert.equal((await store.sealedState.get())!.version, before + 2);
  const fromFirst = await activate(first, 'limited', randomUUID());
  assert.equal(Buffer.from(fromFirst.parameters.env.WHO!).toString(), 'third');
});

test('a new manifest set in recovery starts with no activations', async () => {
  const { service, store } = await deployed();
  await activate(service, 'one', randomUUID());
  const lost = await start(store, createMemorySealProvider(new Uint8Array(32).fill(4)));
  assert.equal(lost.state, CoordinatorState.Recovery);
  await lost.setManifest(manifest());
  await activate(lost, 'one', randomUUID());
  assert.equal(await store.activations.count('one'), 1);
});
