/**
 * MarbleRun's monotonic counters in the coordinator: the caller is known by a certificate the
 * Marble root issued (clientapi.go VerifyMarble), the value is MarbleRun's uint64 that never goes
 * down (wrapper.go SetMonotonicCounter), and a value edited in the database is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { isConfideError, utf8, type ConfideError } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { testIdentity } from '@confide/test-kit/identity';
import { generateMarbleKeyDer, issueMarbleCertificate } from '../src/pki/marble-cert.js';
import { parseGoUuid } from '../src/pki/verify-marble.js';
import { CoordinatorService, createMemorySealProvider, createMockValidator, monotonicCounterId } from '../src/index.js';

const MEASUREMENT = 'ab'.repeat(32);
const code = (c: string) => (err: unknown) => isConfideError(err, c as ConfideError['code']);

const validator = createMockValidator((evidence) => ({ tee: 'sgx', reportData: Buffer.from(evidence).toString('hex'), measurement: MEASUREMENT, debug: false, tcbStatus: 'UpToDate' }));
const manifest = (sealMode = '') => utf8(JSON.stringify({ Packages: { pkg: { UniqueID: MEASUREMENT } }, Marbles: { web: { Package: 'pkg' } }, Config: { FeatureGates: ['MonotonicCounter'], SealMode: sealMode } }));
const start = (store: Store) => CoordinatorService.start({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(4)), evidence: { collateral: emptyCollateral }, validator });

async function deployed(store = openSqliteStore(':memory:'), sealMode = '') {
  const service = await start(store);
  await service.setManifest(manifest(sealMode));
  return { store, service };
}

async function activated(service: CoordinatorService, uuid = randomUUID()): Promise<Uint8Array> {
  const self = await testIdentity('m');
  const evidence = new Uint8Array(64);
  evidence.set(createHash('sha256').update(self.spki).digest());
  const result = await service.activate({ marbleType: 'web', uuid, tee: 'sgx', evidence, clientCertificate: self.der });
  return new Uint8Array(new X509Certificate(result.certificate).raw);
}

test('the caller is the type and UUID its certificate names; a value edited in the database is refused with ERR_SEAL_UNSEAL_FAILED', async () => {
  const { store, service } = await deployed();
  const uuid = randomUUID();
  const caller = await service.monotonicCounterCaller(await activated(service, uuid));
  assert.equal(caller.marbleType, 'web');
  assert.deepEqual(Buffer.from(caller.uuid).toString('hex'), uuid.replaceAll('-', ''));
  assert.equal(await service.setMonotonicCounter(caller, 'x', 5n), 0n);
  await assert.rejects(service.setMonotonicCounter(caller, 'x', 2n ** 64n), code('ERR_VALIDATION'));

  // Someone with the database raises the stored value without the data key: the next set refuses it and changes nothing.
  const id = monotonicCounterId('web', caller.uuid, 'x');
  const forged = new Uint8Array(8);
  forged[7] = 100;
  await store.monotonicCounters.raise({ id, value: forged, sealed: (await store.monotonicCounters.get(id))!.sealed });
  await assert.rejects(service.setMonotonicCounter(caller, 'x', 200n), code('ERR_SEAL_UNSEAL_FAILED'));
  assert.deepEqual((await store.monotonicCounters.get(id))!.value, forged, 'the refused set rolled back');
  // A value sealed for another counter does not open here either.
  const other = monotonicCounterId('web', caller.uuid, 'y');
  await service.setMonotonicCounter(caller, 'y', 300n);
  await store.monotonicCounters.raise({ id: monotonicCounterId('web', caller.uuid, 'z'), value: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1), sealed: (await store.monotonicCounters.get(other))!.sealed });
  await assert.rejects(service.setMonotonicCounter(caller, 'z', 2n), code('ERR_SEAL_UNSEAL_FAILED'));
});

test('a certificate without the MarbleType extension, or not issued under the Marble root, is ERR_UNAUTHENTICATED', async () => {
  const { service } = await deployed();
  const keys = await generateMarbleKeyDer();
  const state = await service.lifecycle.read('monotonicCounter');
  const untyped = await issueMarbleCertificate(state.pki, { uuid: randomUUID(), publicKey: keys.publicKeySpki, now: new Date() });
  const der = new Uint8Array(new X509Certificate(untyped.chainPem).raw);
  await assert.rejects(service.monotonicCounterCaller(der), (err: unknown) => code('ERR_UNAUTHENTICATED')(err) && (err as ConfideError).details?.['reason'] === 'type');
  const stranger = await testIdentity('11111111-2222-3333-4444-555555555555');
  await assert.rejects(service.monotonicCounterCaller(stranger.der), (err: unknown) => code('ERR_UNAUTHENTICATED')(err) && (err as ConfideError).details?.['reason'] === 'chain');
  await assert.rejects(service.monotonicCounterCaller(undefined), (err: unknown) => code('ERR_UNAUTHENTICATED')(err) && (err as ConfideError).details?.['reason'] === 'none');
});

test("UUIDs as Go's uuid.Parse reads them", () => {
  const bytes = '6ba7b8109dad11d180b400c04fd430c8';
  for (const text of ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', '6BA7B810-9DAD-11D1-80B4-00C04FD430C8', '{6ba7b810-9dad-11d1-80b4-00c04fd430c8}', 'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8', bytes]) {
    assert.equal(Buffer.from(parseGoUuid(text)!).toString('hex'), bytes, text);
  }
  for (const text of ['', 'marble', '6ba7b810-9dad-11d1-80b4-00c04fd430c', '6ba7b8109dad-11d1-80b4-00c04fd430c8x', '6ba7b810-9dad-11d1-80b4-00c04fd430cg']) assert.equal(parseGoUuid(text), undefined, text);
});

test('a deployment that is gone takes its counters with it: SealMode Disabled restarted, the same marble counts from 0 again', async () => {
  const { store, service } = await deployed(openSqliteStore(':memory:'), 'Disabled');
  const uuid = randomUUID();
  await service.setMonotonicCounter(await service.monotonicCounterCaller(await activated(service, uuid)), 'x', 7n);
  const restarted = await start(store);
  assert.equal(restarted.startOutcome, 'memory-only-lost');
  await restarted.setManifest(manifest('Disabled'));
  // The old value was sealed under the lost data key: kept, it would refuse every set with ERR_SEAL_UNSEAL_FAILED.
  assert.equal(await restarted.setMonotonicCounter(await restarted.monotonicCounterCaller(await activated(restarted, uuid)), 'x', 3n), 0n);
});
