/** The composition root: what it reads from the files the configuration names, and how a bad file is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError } from '@confide/core';
import { loadConfig } from '../src/index.js';
import { tlsMaterial } from '../src/compose/index.js';
import { ensureLocalCa } from '../src/tls/local-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-compose-'));
const one = await ensureLocalCa(join(dir, 'one'), 'localhost');
const two = await ensureLocalCa(join(dir, 'two'), 'localhost');
const notPem = join(dir, 'not.pem');
writeFileSync(notPem, 'hello');

function config(cert: string | undefined, key: string | undefined) {
  const env: Record<string, string> = {};
  if (cert !== undefined) env['CONFIDE_TLS_CERT'] = cert;
  if (key !== undefined) env['CONFIDE_TLS_KEY'] = key;
  return loadConfig({ env }).config;
}

async function refusal(cert: string | undefined, key: string | undefined): Promise<{ code: string; key: unknown; path: unknown; message: string }> {
  try {
    await tlsMaterial(config(cert, key), dir);
  } catch (err) {
    assert.ok(isConfideError(err), String(err));
    return { code: err.code, key: err.details?.['key'], path: err.details?.['path'], message: err.message };
  }
  assert.fail('expected a refusal');
}

test('tls.cert and tls.key: a matching pair is taken, with the SPKI hash the quote binds', async () => {
  const tls = await tlsMaterial(config(one.certPath, one.keyPath), dir);
  assert.match(tls.spkiSha256, /^[0-9a-f]{64}$/);
  assert.equal(tls.caCertPath, undefined);
});

test('TLS file errors name the setting and the file; swapped and mismatched files say so', async () => {
  const missing = join(dir, 'missing.pem');
  const absent = await refusal(missing, one.keyPath);
  assert.deepEqual([absent.code, absent.key, absent.path], ['ERR_CONFIG_INVALID', 'tls.cert', missing]);
  assert.match(absent.message, /missing\.pem.*ENOENT/);
  const swapped = await refusal(one.keyPath, one.certPath);
  assert.equal(swapped.code, 'ERR_CONFIG_INVALID');
  assert.equal(swapped.key, 'tls.cert');
  assert.match(swapped.message, /swapped/);
  const keyIsCert = await refusal(one.certPath, one.certPath);
  assert.equal(keyIsCert.key, 'tls.key');
  assert.match(keyIsCert.message, /swapped/);
  const mismatched = await refusal(one.certPath, two.keyPath);
  assert.equal(mismatched.code, 'ERR_CONFIG_INVALID');
  assert.equal(mismatched.path, two.keyPath);
  assert.match(mismatched.message, /not the private key of the certificate/);
  assert.equal((await refusal(notPem, one.keyPath)).path, notPem);
  assert.equal((await refusal(one.certPath, notPem)).path, notPem);
  assert.equal((await refusal(one.certPath, undefined)).key, 'tls.key');
});
