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

function manifest(extra: { limitedMax?: number; env?: string } = {}): Uint8Array {
  return utf8(
    JSON.stringify({
      Packages: { pkg: { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex'), Debug: false } },
      Marbles: {
        one: { Package: 'pkg', MaxActivations: 1, Parameters: { Files: { '/cert.pem': '{{ pem .MarbleRun.MarbleCert.Cert }}' } } },
        limited: { Package: 'pkg', MaxActivations: extra.limitedMax ?? 5, Parameters: { Env: { WHO: extra.env ?? 'first' } } },
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

test('an activation record survives a restart: the UUID re-activates, MaxActivations counts it, another type is refused', async () => {
  const { service, store, seal } = await deployed();
  const uuid = randomUUID();
  await activate(service, 'one', uuid);
  const restarted = await start(store, seal);
  assert.equal(restarted.state, CoordinatorState.AcceptingMarbles);
  const again = await activate(restarted, 'one', uuid.toUpperCase());
  assert.match(new X509Certificate(pems(again.certificate)[0]!).subject, new RegExp(`CN=${uuid}`));
  await assert.rejects(activate(restarted, 'one', randomUUID()), code('ERR_MAX_ACTIVATIONS'));
  await assert.rejects(activate(restarted, 'free', uuid), code('ERR_ACTIVATION_REFUSED'));
  assert.equal(await store.activations.count('one'), 1);
  assert.equal((await store.activations.find(uuid))?.marbleType, 'one');
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

test('MaxActivations holds with 16 activations in flight; 16 concurrent re-activations of one UUID count once', async () => {
  const { service, store } = await deployed();
  const outcomes = await Promise.allSettled(Array.from({ length: 16 }, () => activate(service, 'limited', randomUUID())));
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 5);
  for (const o of outcomes) if (o.status === 'rejected') assert.ok(isConfideError(o.reason, 'ERR_MAX_ACTIVATIONS'), String(o.reason));
  assert.equal(await store.activations.count('limited'), 5);

  const uuid = randomUUID();
  const same = await Promise.allSettled(Array.from({ length: 16 }, () => activate(service, 'one', uuid)));
  assert.deepEqual(
    same.map((o) => o.status),
    Array.from({ length: 16 }, () => 'fulfilled'),
  );
  assert.equal(await store.activations.count('one'), 1);
  const log = (await service.auditLog()).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(log.filter((e) => e.type === 'marble.activate' && e.actor === uuid && !e.details.reactivation).length, 1);
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
