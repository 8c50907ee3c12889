import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isConfideError } from '@confide/core';
import { createSeal, openSeal, DEV_SEAL_KEY_FILE } from '../src/seal/index.js';

const made: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-seal-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const secret = new TextEncoder().encode('-----BEGIN PRIVATE KEY----- not really');
const unsealFails = (fn: () => unknown): void => assert.throws(fn, (err) => isConfideError(err, 'ERR_SEAL_UNSEAL_FAILED'));

test('seal/unseal round trip; the blob carries version 1 and the key id, and a fresh nonce each time', () => {
  const seal = createSeal(randomBytes(32));
  const a = seal.seal(secret, 'ctx/one');
  const b = seal.seal(secret, 'ctx/one');
  assert.deepEqual(seal.unseal(a, 'ctx/one'), secret);
  assert.equal(a.length, 1 + 8 + 12 + secret.length + 16);
  assert.equal(a[0], 1);
  assert.equal(Buffer.from(a.subarray(1, 9)).toString('hex'), seal.keyId);
  assert.match(seal.keyId, /^[0-9a-f]{16}$/);
  assert.notDeepEqual(a.subarray(9, 21), b.subarray(9, 21));
  assert.equal(Buffer.from(a).includes(Buffer.from(secret)), false);
  assert.deepEqual(seal.unseal(seal.seal(new Uint8Array(0), ''), ''), new Uint8Array(0));
});

test('wrong aad fails with ERR_SEAL_UNSEAL_FAILED', () => {
  const seal = createSeal(randomBytes(32));
  const blob = seal.seal(secret, 'maa/signing-keys/A');
  unsealFails(() => seal.unseal(blob, 'maa/signing-keys/B'));
  unsealFails(() => seal.unseal(blob, ''));
});

test('any altered byte (version, key id, nonce, ciphertext, tag) or truncation fails with ERR_SEAL_UNSEAL_FAILED', () => {
  const seal = createSeal(randomBytes(32));
  const blob = seal.seal(secret, 'ctx');
  for (const at of [0, 1, 8, 9, 20, 21, 21 + secret.length - 1, blob.length - 16, blob.length - 1]) {
    const bad = Uint8Array.from(blob);
    bad[at]! ^= 0x01;
    unsealFails(() => seal.unseal(bad, 'ctx'));
  }
  unsealFails(() => seal.unseal(blob.subarray(0, blob.length - 1), 'ctx'));
  unsealFails(() => seal.unseal(blob.subarray(0, 36), 'ctx'));
  unsealFails(() => seal.unseal(new Uint8Array(0), 'ctx'));
});

test('another key fails with ERR_SEAL_UNSEAL_FAILED, even with the key id copied over', () => {
  const one = createSeal(randomBytes(32));
  const other = createSeal(randomBytes(32));
  assert.notEqual(one.keyId, other.keyId);
  const blob = one.seal(secret, 'ctx');
  unsealFails(() => other.unseal(blob, 'ctx'));
  const forged = Uint8Array.from(blob);
  forged.set(Buffer.from(other.keyId, 'hex'), 1);
  unsealFails(() => other.unseal(forged, 'ctx'));
});

test('a seal key of the wrong length is ERR_CONFIG_INVALID', () => {
  assert.throws(() => createSeal(randomBytes(31)), (err) => isConfideError(err, 'ERR_CONFIG_INVALID'));
});

test('dev mode: seal.key is generated once with mode 0600 and reused', { skip: process.platform === 'win32' }, () => {
  const dir = tempDir();
  const first = openSeal({ dataDir: dir, mode: 'dev' });
  const path = join(dir, DEV_SEAL_KEY_FILE);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').length, 32);
  const blob = first.seal(secret, 'ctx');
  const again = openSeal({ dataDir: dir, mode: 'dev' });
  assert.equal(again.keyId, first.keyId);
  assert.deepEqual(again.unseal(blob, 'ctx'), secret);
  assert.notEqual(openSeal({ dataDir: tempDir(), mode: 'dev' }).keyId, first.keyId);
});

test('production without seal.keyFile is refused with ERR_CONFIG_INVALID naming seal.keyFile, and writes no key', () => {
  const dir = tempDir();
  assert.throws(
    () => openSeal({ dataDir: dir, mode: 'production' }),
    (err) => isConfideError(err, 'ERR_CONFIG_INVALID') && err.message.startsWith('seal.keyFile:'),
  );
  assert.equal(existsSync(join(dir, DEV_SEAL_KEY_FILE)), false);
});

test('seal.keyFile: raw, hex and base64 forms give the same key; bad or missing files are ERR_CONFIG_INVALID', () => {
  const dir = tempDir();
  const key = randomBytes(32);
  const files = { raw: key, hex: key.toString('hex') + '\n', b64: key.toString('base64') + '\n', b64url: key.toString('base64url') };
  const ids = Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return openSeal({ dataDir: dir, mode: 'production', keyFile: path }).keyId;
  });
  assert.deepEqual(new Set(ids), new Set([createSeal(key).keyId]));
  const short = join(dir, 'short');
  writeFileSync(short, randomBytes(16).toString('base64'));
  const isConfigError = (err: unknown): boolean => isConfideError(err, 'ERR_CONFIG_INVALID') && err.message.startsWith('seal.keyFile:');
  assert.throws(() => openSeal({ dataDir: dir, mode: 'production', keyFile: short }), isConfigError);
  assert.throws(() => openSeal({ dataDir: dir, mode: 'dev', keyFile: join(dir, 'absent') }), isConfigError);
  // The key file wins over the dev key in dev mode too.
  assert.equal(openSeal({ dataDir: dir, mode: 'dev', keyFile: join(dir, 'hex') }).keyId, createSeal(key).keyId);
  assert.equal(existsSync(join(dir, DEV_SEAL_KEY_FILE)), false);
});
