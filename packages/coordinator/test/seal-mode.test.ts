/**
 * Config.SealMode as MarbleRun honours it (coordinator/seal/mode.go ModeFromString; seal.go
 * AESGCMSealer.SealEncryptionKey; store/stdstore/stdstore.go commit, which writes nothing when
 * the mode is Disabled): the data key wrapped by the TEE's product or unique key, or by nothing
 * that outlives the process. Confide's "" keeps the configured seal provider (docs/coordinator.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, utf8 } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { verifyAuditLog } from '@confide/audit';
import { openSqliteStore, type Store } from '@confide/store';
import {
  CoordinatorService,
  CoordinatorState,
  createMemorySealProvider,
  createTeeSealProvider,
  MEMORY_ONLY_PROVIDER,
  sealModeUnavailable,
  type TeeSealProviders,
} from '../src/index.js';
import { sealProviders } from '../src/sealing/seal-providers.js';

function manifest(sealMode: string): Uint8Array {
  return utf8(
    JSON.stringify({
      Packages: { pkg: { Tee: 'sim', UniqueID: '11'.repeat(32), Debug: false } },
      Marbles: { m: { Package: 'pkg', Parameters: { Argv: ['m'] } } },
      Config: { SealMode: sealMode },
    }),
  );
}

const SEAL_KEY = new Uint8Array(32).fill(1);

/** A TEE whose product and unique keys are these bytes (as Gramine's /dev/attestation/keys files give them). */
function teeWith(productKey: Uint8Array, uniqueKey: Uint8Array): TeeSealProviders {
  return (mode) => createTeeSealProvider(mode, async () => (mode === 'ProductKey' ? productKey : uniqueKey));
}

function start(store: Store, teeSeal?: TeeSealProviders) {
  return CoordinatorService.start({ store, seal: createMemorySealProvider(SEAL_KEY), teeSeal, evidence: { collateral: emptyCollateral } });
}

async function providerOf(store: Store): Promise<string | undefined> {
  return (await store.sealedState.get())?.provider;
}

test('SealMode Disabled: the state lives in memory only; a restart starts empty and the audit log says so', async () => {
  const store = openSqliteStore(':memory:');
  const first = await start(store);
  await first.setManifest(manifest('Disabled'));
  assert.equal(first.state, CoordinatorState.AcceptingMarbles);
  // What the store holds is wrapped under a key that lived in that process only.
  assert.equal(await providerOf(store), MEMORY_ONLY_PROVIDER);
  assert.equal((await first.getManifest()).manifest.length > 0, true);

  const restarted = await start(store);
  assert.equal(restarted.startOutcome, 'memory-only-lost');
  assert.equal(restarted.state, CoordinatorState.AcceptingManifest);
  assert.equal(await providerOf(store), createMemorySealProvider().id);
  // The log goes on, chained, under the new audit key, with an epoch entry naming why.
  const log = await restarted.auditLog();
  const { publicKeyJwk } = await restarted.auditKey();
  const verified = await verifyAuditLog(log, publicKeyJwk);
  assert.equal(verified.epochs.length, 1);
  const epoch = JSON.parse(log.trim().split('\n').at(-1)!) as { type: string; details: { recoveryReason: string; startedBy: string } };
  assert.equal(epoch.type, 'audit.epoch');
  assert.deepEqual([epoch.details.startedBy, epoch.details.recoveryReason], ['restart', 'seal-mode-disabled']);
  // And a manifest can be set again.
  await restarted.setManifest(manifest(''));
  assert.equal(restarted.state, CoordinatorState.AcceptingMarbles);
});

test('SealMode Disabled is refused on PostgreSQL, where replicas would each start empty', () => {
  assert.throws(() => sealProviders(createMemorySealProvider(), undefined, 'postgres').forMode('Disabled'), (err: unknown) => isConfideError(err, 'ERR_SEAL_MODE_UNAVAILABLE'));
  assert.equal(sealProviders(createMemorySealProvider(), undefined, 'sqlite').forMode('Disabled').id, MEMORY_ONLY_PROVIDER);
});

for (const mode of ['ProductKey', 'UniqueKey'] as const) {
  test(`SealMode ${mode}: the data key is wrapped by the TEE's ${mode === 'ProductKey' ? 'product (MRSIGNER)' : 'unique (MRENCLAVE)'} key; another such key means recovery`, async () => {
    const product = new Uint8Array(16).fill(2);
    const unique = new Uint8Array(16).fill(3);
    const store = openSqliteStore(':memory:');
    await (await start(store, teeWith(product, unique))).setManifest(manifest(mode));
    assert.equal(await providerOf(store), mode === 'ProductKey' ? 'tee-product-key' : 'tee-unique-key');

    // The same TEE key opens it again, whatever the seal-key file says.
    const again = await CoordinatorService.start({ store, seal: createMemorySealProvider(), teeSeal: teeWith(product, unique), evidence: { collateral: emptyCollateral } });
    assert.equal(again.state, CoordinatorState.AcceptingMarbles);

    // Only the key the mode names matters: change the other one and it still opens.
    const otherChanged = mode === 'ProductKey' ? teeWith(product, new Uint8Array(16).fill(9)) : teeWith(new Uint8Array(16).fill(9), unique);
    assert.equal((await start(store, otherChanged)).state, CoordinatorState.AcceptingMarbles);

    // A different enclave (another unique key) or signer (another product key): the state cannot be opened.
    const moved = mode === 'ProductKey' ? teeWith(new Uint8Array(16).fill(8), unique) : teeWith(product, new Uint8Array(16).fill(8));
    assert.equal((await start(store, moved)).state, CoordinatorState.Recovery);
    // And without that TEE at all.
    assert.equal((await start(store)).state, CoordinatorState.Recovery);
  });
}

test('a TEE without sealing keys refuses ProductKey and UniqueKey when the manifest is set, and nothing changes', async () => {
  const store = openSqliteStore(':memory:');
  const noKeys: TeeSealProviders = (mode) => {
    throw sealModeUnavailable(mode, 'TDX offers no sealing key');
  };
  const c = await start(store, noKeys);
  const before = await store.sealedState.get();
  for (const mode of ['ProductKey', 'UniqueKey']) {
    await assert.rejects(c.setManifest(manifest(mode)), (err: unknown) => isConfideError(err, 'ERR_SEAL_MODE_UNAVAILABLE') && err.details?.sealMode === mode && err.message.includes(mode));
  }
  assert.equal(c.state, CoordinatorState.AcceptingManifest);
  assert.deepEqual(await store.sealedState.get(), before);
  // "" keeps the configured provider, so the manifest sets.
  await c.setManifest(manifest(''));
  assert.equal(await providerOf(store), 'memory');
});

test('outside a TEE (dev mode) ProductKey and UniqueKey use the configured seal provider, as MarbleRun\'s sealer without an enclave does', async () => {
  const store = openSqliteStore(':memory:');
  await (await start(store)).setManifest(manifest('UniqueKey'));
  assert.equal(await providerOf(store), 'memory');
  assert.equal((await start(store)).state, CoordinatorState.AcceptingMarbles);
});
