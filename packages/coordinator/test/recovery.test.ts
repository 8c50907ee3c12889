import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, isConfideError, type ErrorCode } from '@confide/core';
import { createRecoveryShares, decryptRecoveryShare, parseRecoveryData, RecoverySession, type RecoveryShares } from '../src/index.js';
import { recoveryKey, recoveryKeys } from './recovery-fixtures.js';

function dataKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

function shareOf(split: RecoveryShares, name: string): Uint8Array {
  return decryptRecoveryShare(split.encryptedShares[name]!, recoveryKey(name).privateKeyPem);
}

async function rejectsCode(p: Promise<unknown>, code: ErrorCode, reason?: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConfideError(err, code), `expected ${code}, got ${String(err)}`);
    if (reason !== undefined) assert.equal(err.details?.reason, reason);
    return true;
  });
}

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (err: unknown) => isConfideError(err, code));
}

test('2-of-3: any two holders rebuild the data key; the first share leaves 1 remaining', async () => {
  const key = dataKey();
  const split = await createRecoveryShares(key, recoveryKeys('alice', 'bob', 'carol'), 2);
  assert.equal(split.data.scheme, 'shamir');
  assert.equal(split.data.threshold, 2);
  assert.deepEqual(Object.keys(split.encryptedShares).sort(), ['alice', 'bob', 'carol']);
  for (const name of ['alice', 'bob', 'carol']) {
    assert.equal(fromBase64(split.encryptedShares[name]!).length, 256); // RSA-2048 ciphertext
    assert.equal(shareOf(split, name).length, 33);
  }
  for (const [a, b] of [['alice', 'bob'], ['alice', 'carol'], ['carol', 'bob']] as const) {
    const session = new RecoverySession(split.data);
    assert.equal(session.remaining, 2);
    assert.deepEqual(await session.submit(a, shareOf(split, a)), { remaining: 1 });
    assert.deepEqual(session.acceptedKeys, [a]);
    const done = await session.submit(b, shareOf(split, b));
    assert.equal(done.remaining, 0);
    assert.deepEqual(done.dataKey, key);
  }
});

test('all-of-3 (threshold 0 and threshold 3): every share is needed', async () => {
  for (const threshold of [0, 3]) {
    const key = dataKey();
    const split = await createRecoveryShares(key, recoveryKeys('alice', 'bob', 'carol'), threshold);
    assert.equal(split.data.scheme, 'xor');
    assert.equal(split.data.threshold, 3);
    const session = new RecoverySession(split.data);
    assert.deepEqual(await session.submit('carol', shareOf(split, 'carol')), { remaining: 2 });
    assert.deepEqual(await session.submit('alice', shareOf(split, 'alice')), { remaining: 1 });
    const done = await session.submit('bob', shareOf(split, 'bob'));
    assert.deepEqual(done, { remaining: 0, dataKey: key });
  }
});

test('one recovery key: its share is the data key itself (MarbleRun single-party recovery)', async () => {
  const key = dataKey();
  const split = await createRecoveryShares(key, recoveryKeys('alice'), 0);
  assert.deepEqual(shareOf(split, 'alice'), key);
  const done = await new RecoverySession(split.data).submit('alice', key);
  assert.deepEqual(done, { remaining: 0, dataKey: key });
});

test('a share uploaded under another key name, random bytes, a wrong length or an unknown name are refused and do not count', async () => {
  const split = await createRecoveryShares(dataKey(), recoveryKeys('alice', 'bob', 'carol'), 2);
  const session = new RecoverySession(split.data);
  await rejectsCode(session.submit('bob', shareOf(split, 'alice')), 'ERR_RECOVERY_SHARE_INVALID', 'mismatch');
  await rejectsCode(session.submit('bob', crypto.getRandomValues(new Uint8Array(33))), 'ERR_RECOVERY_SHARE_INVALID', 'mismatch');
  await rejectsCode(session.submit('bob', shareOf(split, 'bob').subarray(0, 32)), 'ERR_RECOVERY_SHARE_INVALID', 'length');
  await rejectsCode(session.submit('dave', shareOf(split, 'bob')), 'ERR_RECOVERY_SHARE_INVALID', 'unknown-key');
  await rejectsCode(session.submit('__proto__', shareOf(split, 'bob')), 'ERR_RECOVERY_SHARE_INVALID', 'unknown-key');
  assert.equal(session.remaining, 2);
  assert.deepEqual(session.acceptedKeys, []);
  // A share from another split for the same key name is refused too.
  const other = await createRecoveryShares(dataKey(), recoveryKeys('alice', 'bob', 'carol'), 2);
  await rejectsCode(session.submit('alice', shareOf(other, 'alice')), 'ERR_RECOVERY_SHARE_INVALID', 'mismatch');
  assert.equal(session.remaining, 2);
});

test('a second share for the same key is refused with ERR_RECOVERY_SHARE_DUPLICATE, also when uploaded concurrently', async () => {
  const split = await createRecoveryShares(dataKey(), recoveryKeys('alice', 'bob', 'carol'), 0);
  const session = new RecoverySession(split.data);
  await session.submit('alice', shareOf(split, 'alice'));
  await rejectsCode(session.submit('alice', shareOf(split, 'alice')), 'ERR_RECOVERY_SHARE_DUPLICATE');
  assert.equal(session.remaining, 2);

  const concurrent = new RecoverySession(split.data);
  const results = await Promise.allSettled([concurrent.submit('bob', shareOf(split, 'bob')), concurrent.submit('bob', shareOf(split, 'bob'))]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  assert.equal(concurrent.remaining, 2);
});

test('a share without a key name is matched to its key by commitment (MarbleRun recover API)', async () => {
  const key = dataKey();
  const split = await createRecoveryShares(key, recoveryKeys('alice', 'bob', 'carol'), 2);
  const session = new RecoverySession(split.data);
  assert.deepEqual(await session.submitUnnamed(shareOf(split, 'carol')), { keyName: 'carol', remaining: 1 });
  await rejectsCode(session.submitUnnamed(shareOf(split, 'carol')), 'ERR_RECOVERY_SHARE_DUPLICATE');
  await rejectsCode(session.submitUnnamed(crypto.getRandomValues(new Uint8Array(33))), 'ERR_RECOVERY_SHARE_INVALID', 'mismatch');
  await rejectsCode(session.submitUnnamed(new Uint8Array(32)), 'ERR_RECOVERY_SHARE_INVALID', 'length');
  assert.deepEqual(await session.submitUnnamed(shareOf(split, 'alice')), { keyName: 'alice', remaining: 0, dataKey: key });
});

test('recovery keys and thresholds that cannot work are refused with ERR_RECOVERY_KEYS_INVALID', async () => {
  const keys = recoveryKeys('alice', 'bob', 'carol');
  for (const threshold of [1, 4, -1, 1.5]) {
    await rejectsCode(createRecoveryShares(dataKey(), keys, threshold), 'ERR_RECOVERY_KEYS_INVALID');
  }
  await rejectsCode(createRecoveryShares(dataKey(), {}, 0), 'ERR_RECOVERY_KEYS_INVALID');
  await rejectsCode(createRecoveryShares(new Uint8Array(16), keys, 2), 'ERR_RECOVERY_KEYS_INVALID');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await rejectsCode(createRecoveryShares(dataKey(), { ...keys, ec }, 2), 'ERR_RECOVERY_KEYS_INVALID');
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await rejectsCode(createRecoveryShares(dataKey(), { small }, 0), 'ERR_RECOVERY_KEYS_INVALID');
  await rejectsCode(createRecoveryShares(dataKey(), { junk: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }, 0), 'ERR_RECOVERY_KEYS_INVALID');
});

test('a PKCS#1 "RSA PUBLIC KEY" PEM is accepted as a recovery key', async () => {
  const pkcs1 = createPublicKey(recoveryKey('alice').publicKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  assert.match(pkcs1, /BEGIN RSA PUBLIC KEY/);
  const key = dataKey();
  const split = await createRecoveryShares(key, { alice: pkcs1 }, 0);
  assert.deepEqual(shareOf(split, 'alice'), key);
});

test('decrypting a share with another private key fails with ERR_RECOVERY_SHARE_INVALID', async () => {
  const split = await createRecoveryShares(dataKey(), recoveryKeys('alice', 'bob'), 0);
  throwsCode(() => decryptRecoveryShare(split.encryptedShares.alice!, recoveryKey('bob').privateKeyPem), 'ERR_RECOVERY_SHARE_INVALID');
});

test('a holder can decrypt their share with openssl (RSA-OAEP, SHA-256)', { skip: !hasOpenssl() }, async () => {
  const key = dataKey();
  const split = await createRecoveryShares(key, recoveryKeys('alice'), 0);
  const dir = mkdtempSync(join(tmpdir(), 'confide-recovery-'));
  try {
    writeFileSync(join(dir, 'alice.pem'), recoveryKey('alice').privateKeyPem);
    writeFileSync(join(dir, 'share.bin'), fromBase64(split.encryptedShares.alice!));
    const out = execFileSync('openssl', [
      'pkeyutl', '-decrypt', '-inkey', join(dir, 'alice.pem'), '-in', join(dir, 'share.bin'),
      '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256',
    ]);
    assert.deepEqual(new Uint8Array(out), key);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stored recovery data of the wrong shape is refused with ERR_SEAL_UNSEAL_FAILED', async () => {
  const { data } = await createRecoveryShares(dataKey(), recoveryKeys('alice', 'bob', 'carol'), 2);
  assert.deepEqual(parseRecoveryData(JSON.parse(JSON.stringify(data))), data);
  const broken: unknown[] = [
    null,
    { ...data, version: 2 },
    { ...data, scheme: 'other' },
    { ...data, threshold: 4 },
    { ...data, threshold: 0 },
    { ...data, scheme: 'xor', threshold: 2 },
    { ...data, commitments: {} },
    { ...data, commitments: { alice: 'not base64 of 32 bytes' } },
  ];
  for (const value of broken) throwsCode(() => parseRecoveryData(value), 'ERR_SEAL_UNSEAL_FAILED');
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}
