/** The process helpers: a wait ends at the line, at once when the process dies first, and at its budget. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort, loadScaled, startProcess } from '../src/process/index.js';

const node = (code: string, timeoutMs?: number) => startProcess(process.execPath, ['-e', code], timeoutMs === undefined ? {} : { timeoutMs });

test('waitFor resolves once the line is printed, on stdout or stderr, and done collects everything', async () => {
  const p = node("console.log('one'); setTimeout(() => { console.error('two'); console.log('three'); }, 50)");
  await p.waitFor('one');
  await p.waitFor(/tw/, { stream: 'stderr' });
  assert.deepEqual(await p.done, { code: 0, stdout: 'one\nthree\n', stderr: 'two\n' });
});

test('waitFor rejects at once when the process exits before printing the line', async () => {
  const p = node("console.log('other'); process.exit(3)");
  const started = Date.now();
  await assert.rejects(p.waitFor('never', { budgetMs: 60_000 }), /exited \(3\) before printing never/);
  assert.ok(Date.now() - started < 30_000);
});

test('waitFor past its budget kills the process and names the load average', async () => {
  const p = node('setInterval(() => {}, 1000)', 0);
  await assert.rejects(p.waitFor('never', { budgetMs: 200 }), /no never on stdout within 0.2 s \(load average [\d.]+\)/);
  assert.equal((await p.done).code, null, 'killed by a signal');
});

test('the environment: variables are added, replaced and removed (undefined); dropEnv filters what is inherited', async () => {
  process.env['TEST_KIT_INHERITED'] = 'x';
  process.env['TEST_KIT_DROPPED'] = 'y';
  try {
    const code = "console.log(JSON.stringify([process.env.TEST_KIT_INHERITED ?? null, process.env.TEST_KIT_DROPPED ?? null, process.env.TEST_KIT_ADDED ?? null]))";
    const plain = await startProcess(process.execPath, ['-e', code], { env: { TEST_KIT_ADDED: 'z', TEST_KIT_INHERITED: undefined } }).done;
    assert.deepEqual(JSON.parse(plain.stdout), [null, 'y', 'z']);
    const filtered = await startProcess(process.execPath, ['-e', code], { dropEnv: (k) => k === 'TEST_KIT_DROPPED' }).done;
    assert.deepEqual(JSON.parse(filtered.stdout), ['x', null, null]);
  } finally {
    delete process.env['TEST_KIT_INHERITED'];
    delete process.env['TEST_KIT_DROPPED'];
  }
});

test('loadScaled: at least the base, at most ten times it', () => {
  const t = loadScaled(1000);
  assert.ok(t >= 1000 && t <= 10_000, String(t));
});

test('freePort: ports below the ephemeral range, each handed out once, that a server can then bind', async () => {
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  assert.equal(new Set(ports).size, ports.length);
  for (const port of ports) assert.ok(port >= 20_000 && port < 32_768, String(port));
  const srv = createServer();
  await new Promise<void>((ok, fail) => srv.once('error', fail).listen(ports[0], '127.0.0.1', ok));
  await new Promise((ok) => srv.close(ok));
});
