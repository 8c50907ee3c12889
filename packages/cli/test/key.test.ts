/** `confide key create|list|get|delete` against a dev server in process, and its refusals with codes. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '@confide/server';
import { runInProcess } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-key-cli-'));
const server = await startServer(loadConfig({ env: { CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: dir, CONFIDE_LOG_LEVEL: 'silent' } }).config);
after(() => server.close());
const conn = ['--vault', server.url, '--ca', server.caCertPath!];
const key = (...args: string[]) => runInProcess(['key', ...args, ...conn]);
const json = (...args: string[]) => runInProcess(['--json', 'key', ...args, ...conn]);

test('create, get, list and delete a key', async () => {
  const created = await key('create', 'cli-key', '--kty', 'EC-HSM', '--curve', 'P-384', '--tag', 'team=a');
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, new RegExp(`^created ${server.url}/keys/cli-key/[0-9a-f]{32}\\n  type EC-HSM P-384, operations sign, verify, enabled`));
  const got = JSON.parse((await json('get', 'cli-key')).stdout);
  assert.equal(got.key.key.crv, 'P-384');
  assert.deepEqual(got.key.tags, { team: 'a' });
  const version = (got.key.key.kid as string).split('/').pop()!;
  assert.equal(JSON.parse((await json('get', 'cli-key', '--key-version', version)).stdout).key.key.kid, got.key.key.kid);
  for (let i = 0; i < 27; i++) assert.equal((await key('create', `many-${i}`, '--kty', 'oct-HSM')).code, 0);
  const listed = JSON.parse((await json('list')).stdout);
  assert.equal(listed.keys.length, 28, 'list follows nextLink past a page of 25');
  const deleted = await key('delete', 'cli-key');
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /^deleted cli-key \(recoverable until \d{4}-/);
  assert.match((await key('list', '--deleted')).stdout, /keys\/cli-key\/.*deleted/);
  assert.equal((await key('delete', 'many-0', '--purge')).code, 0);
  assert.doesNotMatch((await key('list', '--deleted')).stdout, /many-0/);
});

test('create with a release policy: exportable keys need one; errors carry the server\'s codes', async () => {
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ version: '1.0.0', anyOf: [{ authority: 'https://maa.example', allOf: [{ claim: 'x-ms-attestation-type', equals: 'sevsnpvm' }] }] }));
  const ok = await key('create', 'skr', '--exportable', '--policy', policy, '--immutable');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /exportable, release policy \(immutable\)/);
  const refused = JSON.parse((await json('create', 'skr2', '--exportable')).stdout);
  assert.equal(refused.error.code, 'ERR_KEY_BAD_PARAMETER');
  const missing = await json('get', 'no-such-key');
  assert.equal(missing.code, 3);
  assert.equal(JSON.parse(missing.stdout).error.code, 'ERR_KEY_NOT_FOUND');
  const usage = JSON.parse((await json('create', 'x', '--size', 'big')).stdout);
  assert.equal(usage.error.code, 'ERR_USAGE');
  const unreachable = await runInProcess(['--json', 'key', 'list', '--vault', 'https://127.0.0.1:1', '--ca', server.caCertPath!, '--timeout', '5']);
  assert.equal(JSON.parse(unreachable.stdout).error.code, 'ERR_SERVICE_UNAVAILABLE');
});
