/**
 * Each command loads only what it uses: `confide run` (the launcher, inside the TEE) never loads
 * the server's HTTP framework or storage, and `--version` loads no command at all. Node's module
 * debug log lists every CommonJS module loaded; fastify and better-sqlite3 stand for the server
 * and the store (each loads one at its top).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSimulationKey } from '@confide/launcher';
import { freePort, startCli } from '@confide/test-kit/process';

async function loadedModules(args: string[], cwd: string): Promise<{ code: number | null; log: string }> {
  const r = await startCli(args, { cwd, env: { NODE_DEBUG: 'module' } }).done;
  return { code: r.code, log: r.stdout + r.stderr };
}

const SERVER_SIDE = /node_modules\/(fastify|better-sqlite3|@fastify)\//;

test('confide run goes through evidence and activation without loading fastify or SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-lazy-'));
  await loadSimulationKey(join(dir, 'data'), { create: true });
  // Nobody listens on the port: the launcher gets as far as the activation request, then exits 3.
  const port = await freePort();
  const r = await loadedModules(['--json', 'run', '--tee', 'sim', '--marble-type', 'm', '--data-dir', join(dir, 'data'), '--coordinator', `127.0.0.1:${port}`, '--', 'true'], dir);
  assert.equal(r.code, 3, r.log.slice(-2000));
  assert.match(r.log, /ERR_SERVICE_UNAVAILABLE|ERR_ACTIVATION_FAILED/);
  assert.match(r.log, /@peculiar\/x509/, 'the debug log lists CommonJS loads (else this test proves nothing)');
  assert.doesNotMatch(r.log, SERVER_SIDE);
});

test('confide --version and --help load no command; confide serve --help loads the server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-lazy-'));
  for (const args of [['--version'], ['--help']]) {
    const r = await loadedModules(args, dir);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.log, SERVER_SIDE);
    assert.doesNotMatch(r.log, /@peculiar\/x509/);
  }
  const serve = await loadedModules(['serve', '--help'], dir);
  assert.equal(serve.code, 0);
  assert.match(serve.log, SERVER_SIDE);
});
