import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCliJson, startCli, startServe } from '@confide/test-kit/process';
import { runInProcess } from './in-process.js';

/** GET over HTTPS trusting only `ca` (no system roots, no -k). */
function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(url, { ca: readFileSync(ca) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('serve: HTTPS /healthz trusted through the generated CA; a restart reuses the CA', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-serve-'));
  const port = await freePort();
  const first = await startServe(['--port', String(port), '--data-dir', dataDir]);
  assert.equal(first.url, `https://localhost:${port}`);
  assert.equal(first.caCert, join(dataDir, 'tls', 'ca.pem'));
  assert.match(first.output().stderr, /WARNING: dev mode/);
  const health = await get(`${first.url}/healthz`, first.caCert);
  assert.equal(health.status, 200);
  assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
  assert.equal((await get(`https://127.0.0.1:${port}/readyz`, first.caCert)).status, 200);
  const ca = readFileSync(first.caCert, 'utf8');
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);

  const second = await startServe(['--port', String(port), '--data-dir', dataDir]);
  assert.equal(readFileSync(second.caCert, 'utf8'), ca, 'the CA must survive a restart');
  assert.equal((await get(`${second.url}/healthz`, second.caCert)).status, 200);
  second.child.kill('SIGINT');
  assert.equal(await second.exited, 0);
});

test('serve: a second server on the same SQLite data directory stops at start (exit 3, in use); after kill -9 of the first it starts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-serve-'));
  const first = await startServe(['--port', String(await freePort()), '--data-dir', dataDir]);
  const second = await runCliJson(['serve', '--host', '127.0.0.1', '--port', String(await freePort()), '--data-dir', dataDir]);
  assert.equal(second.code, 3);
  const error = (second.json as { error: { code: string; message: string; details?: { reason?: string } } }).error;
  assert.equal(error.code, 'ERR_STORE_UNAVAILABLE');
  assert.equal(error.details?.reason, 'in-use');
  assert.match(error.message, /in use by another confide serve process/);
  assert.equal((await get(`${first.url}/healthz`, first.caCert)).status, 200, 'the first keeps serving');
  first.child.kill('SIGKILL');
  await first.exited;
  const third = await startServe(['--port', String(await freePort()), '--data-dir', dataDir]);
  assert.equal((await get(`${third.url}/healthz`, third.caCert)).status, 200);
  third.child.kill('SIGTERM');
  assert.equal(await third.exited, 0);
});

test('serve: SIGTERM lets an in-flight request finish, then exits 0', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-serve-'));
  const port = await freePort();
  const s = await startServe(['--port', String(port), '--data-dir', dataDir]);
  const body = JSON.stringify({ pad: 'x'.repeat(64) });
  const response = new Promise<{ status: number; body: string }>((ok, fail) => {
    const req = request(
      `${s.url}/no-such-route`,
      { method: 'POST', ca: readFileSync(s.caCert), headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', fail);
    // Half the body now; SIGTERM while the request is in flight; the rest later.
    req.write(body.slice(0, 10));
    setTimeout(() => s.child.kill('SIGTERM'), 300);
    setTimeout(() => req.end(body.slice(10)), 900);
  });
  const res = await response;
  assert.equal(res.status, 404, 'the in-flight request must be answered');
  assert.equal(JSON.parse(res.body).code, 'ERR_NOT_FOUND');
  assert.equal(await s.exited, 0);
  assert.match(s.output().stderr, /SIGTERM: finishing in-flight requests/);
});

test('serve: precedence of flag over environment over config file', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-serve-'));
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const cfg = join(dataDir, 'confide.json');
  writeFileSync(cfg, JSON.stringify({ port: p1, dataDir }));
  const fromFile = await runInProcess(['--json', 'config', 'show', '--config', cfg]);
  assert.equal(JSON.parse(fromFile.stdout).config.port, p1);
  const fromEnv = await runInProcess(['--json', 'config', 'show', '--config', cfg], { CONFIDE_PORT: String(p2) });
  assert.equal(JSON.parse(fromEnv.stdout).config.port, p2);
  assert.equal(JSON.parse(fromEnv.stdout).origins.port, 'env');
  const s = await startServe(['--config', cfg, '--port', String(p3)], { CONFIDE_PORT: String(p2) });
  assert.equal(s.url, `https://localhost:${p3}`);
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
});

test('serve: a bad configuration value exits 1 naming the key', async () => {
  const r = await runInProcess(['serve', '--port', 'eighty']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /port \(from --port\).*\[ERR_CONFIG_INVALID\]/);
  const envBad = await runInProcess(['--json', 'serve'], { CONFIDE_BODY_LIMIT: '12' });
  assert.equal(envBad.code, 1);
  assert.deepEqual(JSON.parse(envBad.stdout).error.code, 'ERR_CONFIG_INVALID');
  assert.match(JSON.parse(envBad.stdout).error.message, /^bodyLimit/);
});

test('serve: production mode refuses the dev-only local CA, naming the key', async () => {
  const r = await runInProcess(['--json', 'serve', '--mode', 'production']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.error.code, 'ERR_PRODUCTION_REFUSED');
  assert.match(out.error.message, /tls\.cert/);
});

test('serve: a taken port and an unusable data directory fail clearly with exit 3', async () => {
  const blocker = createServer();
  const port = await new Promise<number>((ok) => blocker.listen(0, '127.0.0.1', () => ok((blocker.address() as { port: number }).port)));
  try {
    const taken = await runInProcess(['--json', 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'confide-'))]);
    assert.equal(taken.code, 3);
    assert.equal(JSON.parse(taken.stdout).error.code, 'ERR_PORT_IN_USE');
  } finally {
    blocker.close();
  }
  const parent = mkdtempSync(join(tmpdir(), 'confide-ro-'));
  const fileInTheWay = join(parent, 'not-a-dir');
  writeFileSync(fileInTheWay, 'x');
  chmodSync(parent, 0o500);
  const unusable = await runInProcess(['--json', 'serve', '--port', String(await freePort()), '--data-dir', join(fileInTheWay, 'data')]);
  assert.equal(unusable.code, 3);
  assert.equal(JSON.parse(unusable.stdout).error.code, 'ERR_DATA_DIR_UNUSABLE');
});

test('cli: --help on every command, unknown command exits 1', async () => {
  for (const args of [['--help'], ['serve', '--help'], ['config', '--help'], ['config', 'show', '--help'], ['docs', '--help']]) {
    const r = await runInProcess(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /Usage: confide/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 usage/);
  }
  const bad = await runInProcess(['frobnicate']);
  assert.equal(bad.code, 1);
});

test('config show: secrets are redacted, the rest shown with their origin', async () => {
  const r = await runInProcess(['--json', 'config', 'show'], { CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: 'sup3r-s3cret-t0ken' });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /sup3r-s3cret-t0ken/);
  const out = JSON.parse(r.stdout);
  assert.equal(out.config.attestation.auth.staticToken, '[redacted]');
  assert.equal(out.origins['attestation.auth.staticToken'], 'env');
  const human = await runInProcess(['config', 'show'], { CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: 'sup3r-s3cret-t0ken' });
  assert.doesNotMatch(human.stdout, /sup3r-s3cret-t0ken/);
  assert.match(human.stdout, /attestation\.auth\.staticToken\s+"\[redacted\]"\s+\(env\)/);
});

test('config show: a PostgreSQL store URL (CONFIDE_STORE or --store) is redacted, password and all', async () => {
  const url = 'postgres://confide:pg-pa55word@db.internal:5432/confide';
  for (const [args, env] of [
    [['--json', 'config', 'show'], { CONFIDE_STORE: url }],
    [['--json', 'config', 'show', '--store', url], {}],
  ] as Array<[string[], Record<string, string>]>) {
    const r = await runInProcess(args, env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /pg-pa55word/);
    assert.equal(JSON.parse(r.stdout).config.store, '[redacted]');
  }
});

test('serve: a repeated --host listens on each; the human banner names the bound addresses on stderr, stdout holds only log lines', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-serve-'));
  const port = await freePort();
  const served = startCli(['serve', '--host', '127.0.0.1', '--host', 'localhost', '--port', String(port), '--data-dir', dataDir], { timeoutMs: 0, env: { EDG_COORDINATOR_MESH_ADDR: '127.0.0.1:0' } });
  await served.waitFor('API description', { stream: 'stderr' });
  assert.match(served.output().stderr, new RegExp(`Confide listening on https://127\\.0\\.0\\.1:${port}`));
  assert.equal((await get(`https://127.0.0.1:${port}/healthz`, join(dataDir, 'tls', 'ca.pem'))).status, 200);
  assert.equal((await get(`https://localhost:${port}/healthz`, join(dataDir, 'tls', 'ca.pem'))).status, 200);
  served.child.kill('SIGTERM');
  const { code, stdout } = await served.done;
  assert.equal(code, 0);
  assert.doesNotMatch(stdout, /Confide listening|Local CA certificate/);
  for (const line of stdout.split('\n').filter(Boolean)) assert.doesNotThrow(() => JSON.parse(line), line);
});
