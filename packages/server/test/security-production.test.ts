/**
 * Production refuses weak operator settings at start, as `confide serve` loads them: a seal key
 * file other users may read, an all-zero or patterned seal key, a short or repetitive static
 * token, a static token from a config file. Dev mode starts with them (with its warnings), and in
 * both modes the database file is private to its owner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError } from '@confide/core';
import { loadConfig } from '../src/config/load.js';
import { startSecureServer } from './security-helpers.js';

const refused = (key: string) => (e: unknown) => isConfideError(e, 'ERR_PRODUCTION_REFUSED') && (e.details?.['keys'] as string[]).includes(key);

function sealFile(content: string | Buffer, mode: number): (dir: string) => Record<string, string> {
  return (dir) => {
    const path = join(dir, 'weak-seal.key');
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
    return { CONFIDE_SEAL_KEY_FILE: path };
  };
}

test('production refuses a seal key file that group or others may read, and a key that is plainly not random', async () => {
  const good = randomBytes(32).toString('base64');
  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    await assert.rejects(startSecureServer('production', { env: sealFile(good, mode) }), refused('seal.keyFile'), mode.toString(8));
  }
  const counting = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  for (const key of [Buffer.alloc(32), Buffer.alloc(32, 0xff), counting, Buffer.from('ab'.repeat(16))]) {
    await assert.rejects(startSecureServer('production', { env: sealFile(key.toString('hex'), 0o600) }), refused('seal.keyFile'), key.toString('hex'));
  }
  const s = await startSecureServer('production', { env: sealFile(good, 0o400) });
  await s.close();
});

test('production refuses a static token with less than 32 random bytes, and one read from a config file', async () => {
  for (const token of ['admin', 'correct-horse-battery-staple', 'a'.repeat(64), 'ab'.repeat(40), randomBytes(16).toString('hex'), randomBytes(20).toString('base64')]) {
    await assert.rejects(startSecureServer('production', { env: { CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: token } }), refused('attestation.auth.staticToken'), token);
  }
  const strong = [randomBytes(32).toString('hex'), randomBytes(32).toString('base64'), randomBytes(32).toString('base64url')];
  for (const token of strong) await (await startSecureServer('production', { env: { CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: token } })).close();

  const dir = mkdtempSync(join(tmpdir(), 'confide-sec-cfg-'));
  const file = join(dir, 'confide.json');
  writeFileSync(file, JSON.stringify({ mode: 'production', tls: { cert: '/c', key: '/k' }, seal: { keyFile: '/s' }, attestation: { auth: { staticToken: strong[0] } } }));
  assert.throws(() => loadConfig({ file }), refused('attestation.auth.staticToken'));
  const dev = loadConfig({ file, flags: { mode: 'dev' } }).config;
  assert.equal(dev.attestation.auth.staticToken, strong[0]);
});

for (const mode of ['dev', 'production'] as const) {
  test(`${mode}: the database file is created 0600, and an existing 0644 one is narrowed`, async () => {
    const s = await startSecureServer(mode);
    const db = join(s.dir, 'data', 'confide.sqlite');
    assert.equal(statSync(db).mode & 0o777, 0o600);
    await s.server.close();
    chmodSync(db, 0o644);
    const again = await startSecureServer(mode, { env: { CONFIDE_DATABASE: db } });
    assert.equal(statSync(db).mode & 0o777, 0o600);
    await again.close();
    await s.close().catch(() => undefined);
  });
}
