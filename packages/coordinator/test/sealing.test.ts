import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError, utf8, type ErrorCode } from '@confide/core';
import { openSqliteStore, type SealedStateRecord, type Store } from '@confide/store';
import {
  createFileSealProvider,
  createMemorySealProvider,
  decryptRecoveryShare,
  RecoverySession,
  SealedStore,
  sealKeyPath,
  sealState,
  unsealState,
  unwrapDataKey,
  wrapDataKey,
  type RecoveryData,
  type SealedOpenResult,
  type SealProvider,
} from '../src/index.js';
import { sealProviders } from '../src/sealing/seal-providers.js';
import { gcmOpen, gcmSeal } from '../src/sealing/aead.js';
import { recoveryKey, recoveryKeys } from './recovery-fixtures.js';

/** A SealedStore over one provider, as a coordinator without TEE keys on SQLite has. */
function sealedWith(provider: SealProvider): SealedStore {
  return new SealedStore(sealProviders(provider, undefined, 'sqlite'));
}

async function rejectsCode(p: Promise<unknown>, code: ErrorCode, reason?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConfideError(err, code), `expected ${code}, got ${String(err)}`);
    if (reason !== undefined) assert.equal(err.details?.reason, reason);
    return true;
  });
}

function key32(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  out[index < 0 ? out.length + index : index]! ^= 0x01;
  return out;
}

function withTempDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-seal-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openSqliteStore(':memory:');
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Writes the stored record changed by `edit`, as someone with write access to the database could. */
async function editRecord(store: Store, edit: (record: SealedStateRecord) => void): Promise<void> {
  const { version, ...record } = (await store.sealedState.get())!;
  const copy = structuredClone(record);
  edit(copy);
  await store.sealedState.write(copy, version);
}

function opened(result: SealedOpenResult): Uint8Array {
  assert.equal(result.status, 'open');
  return (result as { state: Uint8Array }).state;
}

const RECOVERY = { keys: recoveryKeys('alice', 'bob', 'carol'), threshold: 2 };

test('sealState round-trips; another key, purpose, version byte or any flipped byte fails with ERR_SEAL_UNSEAL_FAILED', async () => {
  const key = key32();
  const state = utf8('{"manifest":{}}');
  const blob = await sealState(state, key);
  assert.equal(blob[0], 1);
  assert.equal(blob.length, 1 + 12 + state.length + 16);
  assert.deepEqual(await unsealState(blob, key), state);
  assert.notDeepEqual(await sealState(state, key), blob); // fresh nonce each time
  assert.deepEqual(await unsealState(await sealState(state, key, 'secrets'), key, 'secrets'), state);
  await rejectsCode(unsealState(blob, key32()), 'ERR_SEAL_UNSEAL_FAILED');
  await rejectsCode(unsealState(blob, key, 'secrets'), 'ERR_SEAL_UNSEAL_FAILED');
  await rejectsCode(unsealState(flip(blob, 0), key), 'ERR_SEAL_UNSEAL_FAILED');
  for (const i of [1, 13, -1]) await rejectsCode(unsealState(flip(blob, i), key), 'ERR_SEAL_UNSEAL_FAILED'); // nonce, ciphertext, tag
  await rejectsCode(unsealState(blob.subarray(0, 20), key), 'ERR_SEAL_UNSEAL_FAILED');
  await rejectsCode(sealState(state, new Uint8Array(16)), 'ERR_SEAL_UNSEAL_FAILED');
});

test('AES-GCM blobs: the format WebCrypto made (data sealed before node:crypto took over) opens, and what gcmSeal makes opens with WebCrypto', async () => {
  const key = key32();
  const header = Uint8Array.of(1);
  const context = 'confide/test';
  const aad = new Uint8Array([...header, ...utf8(context)]);
  const plain = utf8('sealed state bytes '.repeat(20));
  const webKey = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-GCM', false, ['encrypt', 'decrypt']);
  // As the earlier gcmSeal wrote it: header, nonce, then WebCrypto's ciphertext and tag.
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const web = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, webKey, new Uint8Array(plain)));
  assert.deepEqual(await gcmOpen(key, new Uint8Array([...header, ...nonce, ...web]), 1, context), plain);
  const sealed = await gcmSeal(key, plain, header, context);
  assert.deepEqual(sealed.subarray(0, 1), header);
  const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.slice(1, 13), additionalData: aad, tagLength: 128 }, webKey, sealed.slice(13));
  assert.deepEqual(new Uint8Array(opened), plain);
  // An empty plaintext is a tag alone; a short key or a cut tag is refused with the sealing error.
  assert.deepEqual(await gcmOpen(key, await gcmSeal(key, new Uint8Array(0), header, context), 1, context), new Uint8Array(0));
  await rejectsCode(gcmSeal(key.subarray(0, 16), plain, header, context), 'ERR_SEAL_UNSEAL_FAILED');
  await rejectsCode(gcmOpen(key.subarray(0, 16), sealed, 1, context), 'ERR_SEAL_UNSEAL_FAILED');
  await rejectsCode(gcmOpen(key, sealed.subarray(0, sealed.length - 1), 1, context), 'ERR_SEAL_UNSEAL_FAILED');
});

test('wrapped data key: another seal key reports key-mismatch, altered bytes report authentication', async () => {
  const sealKey = key32();
  const dataKey = key32();
  const wrapped = await wrapDataKey(sealKey, dataKey);
  assert.deepEqual(await unwrapDataKey(sealKey, wrapped), dataKey);
  await rejectsCode(unwrapDataKey(key32(), wrapped), 'ERR_SEAL_UNSEAL_FAILED', 'key-mismatch');
  await rejectsCode(unwrapDataKey(sealKey, flip(wrapped, 30)), 'ERR_SEAL_UNSEAL_FAILED', 'authentication');
  await rejectsCode(unwrapDataKey(sealKey, flip(wrapped, 0)), 'ERR_SEAL_UNSEAL_FAILED', 'format');
});

test('file provider: creates a 32-byte 0600 key on first wrap, reuses it, and reports a missing or damaged key as ERR_SEAL_KEY_UNAVAILABLE', withTempDir(async (dir) => {
  const provider = createFileSealProvider({ dataDir: dir });
  const path = sealKeyPath(dir);
  assert.equal(path, join(dir, 'coordinator', 'seal.key'));
  const dataKey = key32();
  await rejectsCode(provider.unwrapKey(new Uint8Array(60)), 'ERR_SEAL_KEY_UNAVAILABLE', 'missing'); // unwrap never creates the key
  const wrapped = await provider.wrapKey(dataKey);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path).length, 32);
  assert.deepEqual(await createFileSealProvider({ dataDir: dir }).unwrapKey(wrapped), dataKey);
  const before = readFileSync(path);
  await provider.wrapKey(key32());
  assert.deepEqual(readFileSync(path), before);

  writeFileSync(path, new Uint8Array(31));
  await rejectsCode(provider.unwrapKey(wrapped), 'ERR_SEAL_KEY_UNAVAILABLE', 'length');
  unlinkSync(path);
  await rejectsCode(provider.unwrapKey(wrapped), 'ERR_SEAL_KEY_UNAVAILABLE', 'missing');
}));

test('file provider: two providers wrapping at once in a fresh directory end up with one key', withTempDir(async (dir) => {
  const a = createFileSealProvider({ dataDir: dir });
  const b = createFileSealProvider({ dataDir: dir });
  const [ka, kb] = [key32(), key32()];
  const [wa, wb] = await Promise.all([a.wrapKey(ka), b.wrapKey(kb)]);
  assert.deepEqual(await b.unwrapKey(wa), ka);
  assert.deepEqual(await a.unwrapKey(wb), kb);
}));

test('sealed store: empty, then initialized in a transaction, saved, and opened again by a new instance', async () => {
  await withStore(async (store) => {
    const provider = createMemorySealProvider();
    const sealed = sealedWith(provider);
    assert.deepEqual(await sealed.open(store), { status: 'empty' });
    const { recoveryShares, version } = await store.tx((repos) => sealed.initialize(repos, utf8('state-1'), 0, '', RECOVERY));
    assert.equal(version, 1);
    assert.deepEqual(Object.keys(recoveryShares).sort(), ['alice', 'bob', 'carol']);
    assert.deepEqual(sealed.recoveryShares, recoveryShares);

    const record = (await store.sealedState.get())!;
    assert.equal(record.version, 1);
    assert.equal(record.provider, 'memory');
    assert.deepEqual(record.recoveryShares, recoveryShares);
    assert.ok(!Buffer.from(record.sealedState).includes(Buffer.from('state-1'))); // the state is not stored in the clear

    assert.deepEqual(await sealedWith(provider).open(store), { status: 'open', state: utf8('state-1'), version: 1 });
    assert.equal(await store.tx((repos) => sealed.save(repos, utf8('state-2'), 1, '')), 2);
    assert.deepEqual(await sealedWith(provider).open(store), { status: 'open', state: utf8('state-2'), version: 2 });
  });
});

test('sealed store: a save over a version that is no longer stored fails with ERR_STORE_CONFLICT and writes nothing', async () => {
  await withStore(async (store) => {
    const provider = createMemorySealProvider();
    const a = sealedWith(provider);
    await store.tx((repos) => a.initialize(repos, utf8('s0'), 0, ''));
    const b = sealedWith(provider);
    const seen = await b.open(store);
    assert.equal(await store.tx((repos) => a.save(repos, utf8('s1'), 1, '')), 2);
    // b still believes version 1: its write would silently undo a's.
    await rejectsCode(store.tx((repos) => b.save(repos, utf8('stale'), (seen as { version: number }).version, '')), 'ERR_STORE_CONFLICT', 'version');
    await rejectsCode(store.tx((repos) => b.setRecoveryKeys(repos, utf8('stale'), RECOVERY, 1, '')), 'ERR_STORE_CONFLICT', 'version');
    assert.equal(b.recoveryShares, undefined, 'shares of a refused write are not held');
    await rejectsCode(store.tx((repos) => sealedWith(provider).initialize(repos, utf8('again'), 0, '')), 'ERR_STORE_CONFLICT', 'version');
    assert.deepEqual(await sealedWith(provider).open(store), { status: 'open', state: utf8('s1'), version: 2 });
  });
});

test('sealed store: a rolled-back transaction leaves no record behind', async () => {
  await withStore(async (store) => {
    const sealed = sealedWith(createMemorySealProvider());
    await assert.rejects(
      store.tx(async (repos) => {
        await sealed.initialize(repos, utf8('state'), 0, '', RECOVERY);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await sealedWith(createMemorySealProvider()).open(store), { status: 'empty' });
  });
});

test('sealed store: lost seal key -> needsRecovery -> two shares -> state back, re-wrapped under a new key, shares still valid', async () => {
  await withStore(async (store) => {
    const first = sealedWith(createMemorySealProvider());
    const { recoveryShares } = await store.tx((repos) => first.initialize(repos, utf8('precious'), 0, '', RECOVERY));
    const wrappedBefore = (await store.sealedState.get())!.wrappedDataKey;

    for (const [a, b] of [['alice', 'carol'], ['bob', 'alice']] as const) {
      const provider = createMemorySealProvider(); // a new host: the old seal key is gone
      const sealed = sealedWith(provider);
      const result = await sealed.open(store);
      assert.equal(result.status, 'needsRecovery');
      if (result.status !== 'needsRecovery') return;
      assert.equal(result.reason, 'seal-key-unavailable');
      assert.ok(result.recovery);
      assert.equal(sealed.isOpen, false);

      const session = new RecoverySession(result.recovery);
      assert.deepEqual(await session.submit(a, decryptRecoveryShare(recoveryShares[a]!, recoveryKey(a).privateKeyPem)), { remaining: 1 });
      const done = await session.submit(b, decryptRecoveryShare(recoveryShares[b]!, recoveryKey(b).privateKeyPem));
      assert.ok(done.dataKey);
      const recovered = await store.tx((repos) => sealed.completeRecovery(repos, done.dataKey!, ''));
      assert.deepEqual(recovered, { state: utf8('precious'), version: result.version + 1 });
      assert.equal(sealed.isOpen, true);

      const record = (await store.sealedState.get())!;
      assert.notDeepEqual(record.wrappedDataKey, wrappedBefore);
      assert.deepEqual(record.recoveryShares, recoveryShares);
      assert.deepEqual(opened(await sealedWith(provider).open(store)), utf8('precious'));
      await store.tx((repos) => sealed.save(repos, utf8('precious'), recovered.version, ''));
    }
  });
});

test('sealed store with the file provider: deleting seal.key enters recovery, recovery writes a new seal.key', withTempDir(async (dir) => {
  await withStore(async (store) => {
    const provider = createFileSealProvider({ dataDir: dir });
    const sealed = sealedWith(provider);
    const { recoveryShares } = await store.tx((repos) => sealed.initialize(repos, utf8('state'), 0, '', { keys: recoveryKeys('alice'), threshold: 0 }));
    const oldKey = readFileSync(sealKeyPath(dir));
    unlinkSync(sealKeyPath(dir));

    const restarted = sealedWith(createFileSealProvider({ dataDir: dir }));
    const result = await restarted.open(store);
    assert.equal(result.status, 'needsRecovery');
    if (result.status !== 'needsRecovery') return;
    assert.equal(result.reason, 'seal-key-unavailable');
    const done = await new RecoverySession(result.recovery!).submit('alice', decryptRecoveryShare(recoveryShares.alice!, recoveryKey('alice').privateKeyPem));
    assert.deepEqual((await store.tx((repos) => restarted.completeRecovery(repos, done.dataKey!, ''))).state, utf8('state'));
    assert.notDeepEqual(readFileSync(sealKeyPath(dir)), oldKey);
    assert.deepEqual(opened(await sealedWith(createFileSealProvider({ dataDir: dir })).open(store)), utf8('state'));
  });
}));

test('sealed store: another seal key reports seal-key-mismatch; no recovery keys means recovery data is absent', async () => {
  await withStore(async (store) => {
    await store.tx((repos) => sealedWith(createMemorySealProvider()).initialize(repos, utf8('s'), 0, ''));
    const result = await sealedWith(createMemorySealProvider(key32())).open(store);
    assert.deepEqual(result, { status: 'needsRecovery', reason: 'seal-key-mismatch', recovery: undefined, version: 1 });
  });
});

test('sealed store tampering: altered state fails ERR_SEAL_UNSEAL_FAILED; altered wrapped key needs recovery; altered commitments refuse shares', async () => {
  await withStore(async (store) => {
    const provider = createMemorySealProvider();
    const sealed = sealedWith(provider);
    const { recoveryShares } = await store.tx((repos) => sealed.initialize(repos, utf8('state'), 0, '', RECOVERY));
    const { version: _version, ...pristine } = (await store.sealedState.get())!;
    const restore = (): Promise<void> => editRecord(store, (r) => Object.assign(r, structuredClone(pristine)));

    await editRecord(store, (r) => (r.sealedState = flip(r.sealedState, 20)));
    await rejectsCode(sealedWith(provider).open(store), 'ERR_SEAL_UNSEAL_FAILED');
    await restore();

    await editRecord(store, (r) => (r.wrappedDataKey = flip(r.wrappedDataKey, 25)));
    const result = await sealedWith(provider).open(store);
    assert.equal(result.status, 'needsRecovery');
    assert.equal((result as { reason: string }).reason, 'wrapped-key-invalid');
    await restore();

    await editRecord(store, (r) => {
      const data = r.recoveryData as { commitments: Record<string, string> };
      data.commitments.alice = data.commitments.bob!;
    });
    const lost = await sealedWith(createMemorySealProvider()).open(store);
    assert.equal(lost.status, 'needsRecovery');
    const session = new RecoverySession((lost as { recovery: RecoveryData }).recovery);
    await rejectsCode(session.submit('alice', decryptRecoveryShare(recoveryShares.alice!, recoveryKey('alice').privateKeyPem)), 'ERR_RECOVERY_SHARE_INVALID', 'mismatch');
    await restore();

    const malformed: Array<(r: SealedStateRecord) => void> = [
      (r) => ((r.recoveryData as { version: number }).version = 2),
      (r) => (r.recoveryShares = [] as unknown as Record<string, string>),
      (r) => (r.sealedState = new Uint8Array(0)),
      (r) => (r.sealedState = Uint8Array.of(2, ...r.sealedState.subarray(1))),
    ];
    for (const edit of malformed) {
      await editRecord(store, edit);
      await rejectsCode(sealedWith(provider).open(store), 'ERR_SEAL_UNSEAL_FAILED');
      await restore();
    }
    assert.deepEqual(opened(await sealedWith(provider).open(store)), utf8('state'));
  });
});

test('sealed store: completing recovery with a wrong data key fails and leaves the record as it was', async () => {
  await withStore(async (store) => {
    await store.tx((repos) => sealedWith(createMemorySealProvider()).initialize(repos, utf8('s'), 0, '', RECOVERY));
    const before = await store.sealedState.get();
    const sealed = sealedWith(createMemorySealProvider());
    await sealed.open(store);
    await rejectsCode(store.tx((repos) => sealed.completeRecovery(repos, key32(), '')), 'ERR_SEAL_UNSEAL_FAILED');
    assert.deepEqual(await store.sealedState.get(), before);
    assert.equal(sealed.isOpen, false);
  });
});

test('sealed store: new recovery keys replace the shares; old shares no longer count', async () => {
  await withStore(async (store) => {
    const sealed = sealedWith(createMemorySealProvider());
    const old = await store.tx((repos) => sealed.initialize(repos, utf8('s'), 0, '', RECOVERY));
    const fresh = await store.tx((repos) => sealed.setRecoveryKeys(repos, utf8('s'), { keys: recoveryKeys('alice', 'dave', 'erin'), threshold: 2 }, old.version, ''));
    assert.equal(fresh.version, 2);
    assert.deepEqual(Object.keys(fresh.recoveryShares).sort(), ['alice', 'dave', 'erin']);
    const lost = await sealedWith(createMemorySealProvider()).open(store);
    const session = new RecoverySession((lost as { recovery: RecoveryData }).recovery);
    await rejectsCode(session.submit('alice', decryptRecoveryShare(old.recoveryShares.alice!, recoveryKey('alice').privateKeyPem)), 'ERR_RECOVERY_SHARE_INVALID', 'mismatch');
    await session.submit('alice', decryptRecoveryShare(fresh.recoveryShares.alice!, recoveryKey('alice').privateKeyPem));
    const done = await session.submit('dave', decryptRecoveryShare(fresh.recoveryShares.dave!, recoveryKey('dave').privateKeyPem));
    const recovering = sealedWith(createMemorySealProvider());
    await recovering.open(store);
    assert.deepEqual(await store.tx((repos) => recovering.completeRecovery(repos, done.dataKey!, '')), { state: utf8('s'), version: 3 });
  });
});

test('sealed store: values sealed for one purpose open only for it; using a closed store is ERR_INTERNAL', async () => {
  await withStore(async (store) => {
    const sealed = sealedWith(createMemorySealProvider());
    await rejectsCode(sealed.save(store, utf8('x'), 0, ''), 'ERR_INTERNAL');
    await rejectsCode(sealed.seal(utf8('x'), 'pki'), 'ERR_INTERNAL');
    await store.tx((repos) => sealed.initialize(repos, utf8('s'), 0, ''));
    const blob = await sealed.seal(utf8('root key'), 'pki');
    assert.deepEqual(await sealed.unseal(blob, 'pki'), utf8('root key'));
    await rejectsCode(sealed.unseal(blob, 'secrets'), 'ERR_SEAL_UNSEAL_FAILED');
    await rejectsCode(unsealState(blob, key32(), 'value:pki'), 'ERR_SEAL_UNSEAL_FAILED');
  });
});

test('sealed store: a holder re-opens a record another instance re-wrapped in recovery, and its next save keeps that wrap', async () => {
  await withStore(async (store) => {
    const holder = sealedWith(createMemorySealProvider());
    const { recoveryShares } = await store.tx((repos) => holder.initialize(repos, utf8('s1'), 0, '', RECOVERY));
    const other = sealedWith(createMemorySealProvider()); // another host, without the seal key
    const lost = await other.open(store);
    const session = new RecoverySession((lost as { recovery: RecoveryData }).recovery);
    await session.submit('alice', decryptRecoveryShare(recoveryShares.alice!, recoveryKey('alice').privateKeyPem));
    const done = await session.submit('bob', decryptRecoveryShare(recoveryShares.bob!, recoveryKey('bob').privateKeyPem));
    const recovered = await store.tx((repos) => other.completeRecovery(repos, done.dataKey!, ''));
    const rewrapped = (await store.sealedState.get())!.wrappedDataKey;

    // The holder's provider cannot unwrap the new wrap, but the data key it holds still opens the state.
    assert.deepEqual(await holder.open(store), { status: 'open', state: utf8('s1'), version: recovered.version });
    await store.tx((repos) => holder.save(repos, utf8('s2'), recovered.version, ''));
    assert.deepEqual((await store.sealedState.get())!.wrappedDataKey, rewrapped, 'the recovery wrap is not undone');
    assert.deepEqual(opened(await other.open(store)), utf8('s2'));
  });
});
