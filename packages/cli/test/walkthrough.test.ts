/**
 * The README's development walkthrough, run verbatim from a shell in the repository root: the
 * documented flow and the tested flow are one. Only the data directory (a scratch folder) and
 * the ports (free ones: the listener's, and the marble API's instead of MarbleRun's fixed 2001)
 * are replaced, since tests run side by side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, loadScaled } from '@confide/test-kit/process';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const MARKER = '<!-- walkthrough: run verbatim by packages/cli/test/walkthrough.test.ts -->';

/** The sh block right after the marker in README.md. */
function readmeWalkthrough(): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  assert.notEqual(at, -1, 'README.md has the walkthrough marker');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, 'a sh block follows the marker');
  return block[1]!;
}

const hasOpenssl = await new Promise<boolean>((ok) => spawn('openssl', ['version'], { stdio: 'ignore' }).on('error', () => ok(false)).on('close', (code) => ok(code === 0)));

test('README walkthrough: serve, verify, keys, manifest, two marbles over mutual TLS, secret get', { skip: hasOpenssl ? false : 'openssl is not installed' }, async () => {
  const script = readmeWalkthrough();
  assert.ok(script.includes('CONFIDE_DATA_DIR=.confide ') && script.includes('CONFIDE_PORT=8443 '), 'the first line sets the data directory and port');
  const dataDir = join(mkdtempSync(join(tmpdir(), 'confide-walkthrough-')), 'data');
  const port = await freePort();
  const runnable = script.replace('CONFIDE_DATA_DIR=.confide ', `CONFIDE_DATA_DIR=${dataDir} `).replace('CONFIDE_PORT=8443 ', `CONFIDE_PORT=${port} `);
  const litter = ['uuid', '.confide', 'tls', 'manifest.json', 'recovery.json'].filter((name) => !existsSync(join(repo, name)));

  // Its own process group, so that whatever the script leaves running is stopped afterwards.
  const child = spawn('bash', ['-euo', 'pipefail', '-xc', runnable], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDG_COORDINATOR_MESH_ADDR: '127.0.0.1:0' } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const budget = Math.min(loadScaled(120_000), 400_000);
  const stopAll = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  const timer = setTimeout(() => stopAll('SIGKILL'), budget);
  // 'exit', not 'close': a server the script left running would hold the pipes open.
  const code = await new Promise<number | null>((ok) => child.on('exit', (c, signal) => ok(signal ? `killed by ${signal}` as never : c)));
  clearTimeout(timer);
  stopAll('SIGTERM');
  assert.equal(code, 0, `the walkthrough failed (budget ${budget / 1000} s):\n${output.slice(-6000)}`);
  assert.match(output, /Coordinator attested \(sim\)/);
  assert.match(output, /example server listening/);
  assert.match(output, /example client: the server saw [0-9a-f-]{36}; both marbles hold the same shared key/);
  assert.match(output, /sharedKey:\n {2}type {2}symmetric-key/);
  for (const file of ['manifest.json', 'recovery.json', 'coordinator.pin', 'root.pem']) assert.ok(existsSync(join(dataDir, 'walkthrough', file)), file);
  // Nothing generated lands in the repository.
  for (const name of litter) assert.equal(existsSync(join(repo, name)), false, `${name} appeared in the repository root`);
});
