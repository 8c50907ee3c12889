/**
 * EDG_STARTUP_MANIFEST (edgelesssys/marblerun cmd/coordinator/run.go): the manifest file is set
 * at start; a restart with the same file starts as it is; another manifest refuses the start.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, isConfideError } from '@confide/core';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const manifestFile = (name: string, argv: string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Packages: { pkg: { Tee: 'sim', UniqueID: '11'.repeat(32) } }, Marbles: { m: { Package: 'pkg', Parameters: { Argv: argv } } } }));
  return path;
};
const env = (manifest: string) => ({ CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: join(dir, 'data'), CONFIDE_LOG_LEVEL: 'silent', EDG_COORDINATOR_MESH_ADDR: 'off', EDG_STARTUP_MANIFEST: manifest });

test('the startup manifest is set at start, kept on a restart with the same file, and another one refuses the start', async () => {
  const first = manifestFile('a.json', ['a']);
  const server = await startServer(loadConfig({ env: env(first) }).config);
  const status = await server.app.inject({ method: 'GET', url: '/api/v2/status' });
  assert.equal(JSON.parse(status.body).data.code, 3);
  const got = JSON.parse((await server.app.inject({ method: 'GET', url: '/api/v2/manifest' })).body).data;
  assert.deepEqual(JSON.parse(Buffer.from(fromBase64(got.manifest)).toString('utf8')).Marbles.m.Parameters.Argv, ['a']);
  await server.close();

  const again = await startServer(loadConfig({ env: env(first) }).config);
  assert.equal(JSON.parse((await again.app.inject({ method: 'GET', url: '/api/v2/status' })).body).data.code, 3);
  await again.close();

  await assert.rejects(startServer(loadConfig({ env: env(manifestFile('b.json', ['b'])) }).config), (err: unknown) => isConfideError(err, 'ERR_CONFIG_INVALID'));
});
