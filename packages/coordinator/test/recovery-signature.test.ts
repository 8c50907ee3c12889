/**
 * recoverySecretSignature as MarbleRun checks it (coordinator/clientapi/recovery.go
 * validateRecoveryKeys; util.SignPKCS1v15 / VerifyPKCS1v15: RSA PKCS#1 v1.5 over SHA-256 of the
 * decrypted share), against the RecoveryKeys of the manifest in force.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, utf8, type ConfideError } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { CoordinatorService, CoordinatorState, createMemorySealProvider, decryptRecoveryShare, signRecoveryShare } from '../src/index.js';
import { recoveryKey, recoveryKeys } from './recovery-fixtures.js';

const MANIFEST = utf8(
  JSON.stringify({
    Packages: { pkg: { Tee: 'sim', UniqueID: '11'.repeat(32), Debug: false } },
    Marbles: { m: { Package: 'pkg', Parameters: { Argv: ['m'] } } },
    RecoveryKeys: recoveryKeys('alice', 'bob', 'carol'),
    Config: { RecoveryThreshold: 2 },
  }),
);

const start = (store: Store, seal = createMemorySealProvider()) => CoordinatorService.start({ store, seal, evidence: { collateral: emptyCollateral } });
const code = (c: `ERR_${string}`, reason?: string) => (err: unknown) => isConfideError(err, c) && (reason === undefined || (err as ConfideError).details?.['reason'] === reason);

async function lostSealKey(): Promise<{ lost: CoordinatorService; shares: Record<string, Uint8Array> }> {
  const store = openSqliteStore(':memory:');
  const set = await (await start(store)).setManifest(MANIFEST);
  const shares = Object.fromEntries(Object.entries(set.recoverySecrets!).map(([name, enc]) => [name, decryptRecoveryShare(enc, recoveryKey(name).privateKeyPem)]));
  const lost = await start(store);
  assert.equal(lost.state, CoordinatorState.Recovery);
  return { lost, shares };
}

test('a share without recoverySecretSignature is refused at upload and does not count', async () => {
  const { lost, shares } = await lostSealKey();
  await assert.rejects(lost.recover(shares['alice']!), code('ERR_RECOVERY_SIGNATURE_INVALID', 'missing'));
  await assert.rejects(lost.recover(shares['alice']!, undefined, new Uint8Array(0)), code('ERR_RECOVERY_SIGNATURE_INVALID', 'missing'));
  // It did not count: alice's share is still accepted once, signed.
  assert.deepEqual(await lost.recover(shares['alice']!, undefined, signRecoveryShare(shares['alice']!, recoveryKey('alice').privateKeyPem)), { remaining: 1 });
});

test('signatures by the right keys recover; one by another key refuses, writes nothing and forgets the shares', async () => {
  const { lost, shares } = await lostSealKey();
  const signed = (name: string, by = name) => signRecoveryShare(shares[name]!, recoveryKey(by).privateKeyPem);
  assert.deepEqual(await lost.recover(shares['alice']!, undefined, signed('alice')), { remaining: 1 });
  // bob's share signed with carol's key: MarbleRun would accept a signature by any unused key; Confide wants bob's.
  await assert.rejects(lost.recover(shares['bob']!, undefined, signed('bob', 'carol')), (err: unknown) => {
    assert.ok(isConfideError(err, 'ERR_RECOVERY_SIGNATURE_INVALID'));
    assert.deepEqual((err as ConfideError).details?.['keys'], ['bob']);
    return true;
  });
  assert.equal(lost.state, CoordinatorState.Recovery);
  // Every share of the failed attempt is forgotten: alice uploads again and counts as the first.
  assert.deepEqual(await lost.recover(shares['alice']!, undefined, signed('alice')), { remaining: 1 });
  assert.deepEqual(await lost.recover(shares['bob']!, 'bob', signed('bob')), { remaining: 0 });
  assert.equal(lost.state, CoordinatorState.AcceptingMarbles);
});

test('a signature over other bytes (a flipped bit of the share) is refused', async () => {
  const { lost, shares } = await lostSealKey();
  const share = shares['carol']!;
  const other = share.slice();
  other[0]! ^= 1;
  assert.deepEqual(await lost.recover(shares['alice']!, undefined, signRecoveryShare(shares['alice']!, recoveryKey('alice').privateKeyPem)), { remaining: 1 });
  await assert.rejects(lost.recover(share, undefined, signRecoveryShare(other, recoveryKey('carol').privateKeyPem)), code('ERR_RECOVERY_SIGNATURE_INVALID', 'signature'));
  assert.equal(lost.state, CoordinatorState.Recovery);
});
