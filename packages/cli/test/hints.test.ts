/** Errors that lead somewhere: the flag or command that gets a stuck user on. In process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSimulationKey, simulateQuote } from '@confide/launcher';
import { testIdentity } from '@confide/test-kit/identity';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { runInProcess } from './in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'confide-hints-'));

function error(stdout: string): { code: string; message: string } {
  return JSON.parse(stdout).error;
}

test('verify: simulated evidence without a trusted key names --data-dir and --sim-key', async () => {
  const key = await loadSimulationKey(join(tmp, 'data'), { create: true });
  const file = join(tmp, 'sim.bin');
  writeFileSync(file, await simulateQuote(key, { measurement: new Uint8Array(32), reportData: new Uint8Array(1) }));
  const r = await runInProcess(['--json', 'verify', file]);
  assert.equal(r.code, 2);
  assert.equal(error(r.stdout).code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  assert.match(error(r.stdout).message, /--data-dir .*--sim-key/);
  const trusted = await runInProcess(['--json', 'verify', file, '--data-dir', join(tmp, 'data')]);
  assert.equal(trusted.code, 0, trusted.stdout);
});

test('verify: missing collateral names --collateral and docs/collateral.md', async () => {
  const world = await forgeIntelWorld({ at: new Date() });
  const roots = join(tmp, 'roots');
  mkdirSync(roots);
  writeFileSync(join(roots, 'root.pem'), new X509Certificate(world.rootDer).toString());
  const quote = join(tmp, 'quote.bin');
  writeFileSync(quote, world.quote);
  const r = await runInProcess(['--json', 'verify', quote, '--roots', roots]);
  assert.equal(r.code, 2, r.stdout);
  assert.equal(error(r.stdout).code, 'ERR_COLLATERAL_MISSING');
  assert.match(error(r.stdout).message, /--collateral .*docs\/collateral\.md/);
});

test('audit verify: an empty file does not verify', async () => {
  const empty = join(tmp, 'empty.jsonl');
  writeFileSync(empty, '\n');
  const r = await runInProcess(['--json', 'audit', 'verify', empty, '--key', join(tmp, 'no-key-needed.pem')]);
  assert.equal(r.code, 2);
  assert.equal(error(r.stdout).code, 'ERR_AUDIT_LOG_INVALID');
});

test('a client certificate and a key that do not belong together are refused before connecting, naming both', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(tmp, 'admin.pem'), (await testIdentity('admin')).pem);
  writeFileSync(join(tmp, 'wrong-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  // Port 1: nothing listens; the refusal must come first.
  const r = await runInProcess(['--json', 'secret', 'get', 'x', '--coordinator', '127.0.0.1:1', '--insecure', '--cert', join(tmp, 'admin.pem'), '--key', join(tmp, 'wrong-key.pem')]);
  assert.equal(error(r.stdout).code, 'ERR_USAGE', r.stdout);
  assert.equal(r.code, 1);
  assert.match(error(r.stdout).message, /wrong-key\.pem is not the private key of the certificate in --cert .*admin\.pem/);
});
