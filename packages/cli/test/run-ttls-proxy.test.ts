/**
 * `confide run --ttls proxy` end to end: `confide serve` with a manifest whose TLS tags give a
 * server marble an Incoming port and a client marble an Outgoing connection to it (MarbleRun's
 * `TLS` tags, MARBLE_TTLS_CONFIG as marbleapi.go setTTLSConfig writes it), and two unmodified
 * programs, node scripts that speak plaintext only, run under `confide run`. They talk through the
 * launchers' proxies with mutual TLS under the Marble root; a plaintext connection to the
 * server's port is refused; without `--ttls proxy` the launcher still refuses to start.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLauncher, type Started } from './fixtures/launcher/spawn-launcher.js';
import { freePort, runCliJson as cli, startServe, type Served } from '@confide/test-kit/process';

const tmp = mkdtempSync(join(tmpdir(), 'confide-run-ttls-'));
const dataDir = join(tmp, 'data');
let served: Served | undefined;
const running: Started[] = [];
after(async () => {
  for (const r of running) r.child.kill('SIGKILL');
  served?.child.kill('SIGKILL');
  await served?.exited;
});

/** A program that knows no TLS: listens in plaintext where CONFIDE_TTLS_LISTEN_<port> says, answers each line, logs it. */
const SERVER = `#!/usr/bin/env node
const net = require('node:net');
const [host, port] = process.env['CONFIDE_TTLS_LISTEN_' + process.argv[2]].split(':');
if (process.env.MARBLE_TTLS_CONFIG !== undefined) { console.log('the proxy left MARBLE_TTLS_CONFIG'); process.exit(9); }
net.createServer((s) => {
  s.setEncoding('utf8');
  s.on('data', (d) => { process.stdout.write('got ' + d); s.end('hello ' + d); });
  s.on('error', () => {});
}).listen(Number(port), host, () => process.stdout.write('listening\\n'));
`;

/** A program that knows no TLS: connects in plaintext where CONFIDE_TTLS_CONNECT_LOCALHOST_<port> says, prints the answer. */
const CLIENT = `#!/usr/bin/env node
const net = require('node:net');
const [host, port] = process.env['CONFIDE_TTLS_CONNECT_LOCALHOST_' + process.argv[2]].split(':');
const s = net.connect(Number(port), host, () => s.write('ping\\n'));
let got = '';
s.setEncoding('utf8');
s.on('data', (d) => { got += d; });
s.on('close', () => { process.stdout.write('reply ' + JSON.stringify(got) + '\\n'); process.exit(got === 'hello ping\\n' ? 0 : 4); });
`;

function script(name: string, text: string): string {
  const dir = join(tmp, `bin-${name}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

test('two unmodified programs under confide run --ttls proxy talk mutual TLS through the proxies; plaintext to the marble port is refused', async () => {
  const [apiPort, meshPort] = await Promise.all([freePort(), freePort()]);
  served = await startServe(['--host', '127.0.0.1', '--port', String(apiPort), '--data-dir', dataDir]);
  const addr = `127.0.0.1:${apiPort}`;
  const conn = ['--coordinator', addr, '--ca', served.caCert];
  const server = script('server.js', SERVER);
  const client = script('client.js', CLIENT);
  const measure = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  const manifest = join(tmp, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      Packages: { server: { Tee: 'sim', UniqueID: measure(server) }, client: { Tee: 'sim', UniqueID: measure(client) } },
      Marbles: { server: { Package: 'server', TLS: ['serve'] }, client: { Package: 'client', TLS: ['call'] } },
      TLS: { serve: { Incoming: [{ Port: String(meshPort) }] }, call: { Outgoing: [{ Addr: 'localhost', Port: String(meshPort) }] } },
    }),
  );
  const set = await cli(['manifest', 'set', manifest, ...conn]);
  assert.equal(set.code, 0, JSON.stringify(set.json));

  const run = (type: string, program: string, extra: string[]): Started => {
    const cwd = join(tmp, `m-${type}-${running.length}`);
    mkdirSync(cwd, { recursive: true });
    const started = startLauncher(['--json', 'run', '--tee', 'sim', '--coordinator', addr, '--marble-type', type, '--data-dir', dataDir, '--uuid-file', join(cwd, 'uuid'), ...extra, '--', program, String(meshPort)], {}, cwd);
    running.push(started);
    return started;
  };

  // Without --ttls proxy the launcher refuses, before the program starts (ERR_TTLS_UNSUPPORTED).
  const refused = await run('server', server, []).done;
  assert.notEqual(refused.code, 0);
  assert.equal((JSON.parse(refused.stdout.trim().split('\n').pop()!) as { error?: { code: string } }).error?.code, 'ERR_TTLS_UNSUPPORTED');
  assert.doesNotMatch(refused.stdout, /listening/);

  const serverMarble = run('server', server, ['--ttls', 'proxy']);
  await serverMarble.waitFor('listening');
  const clientMarble = await run('client', client, ['--ttls', 'proxy']).done;
  assert.equal(clientMarble.code, 0, `${clientMarble.stdout} ${clientMarble.stderr}`);
  assert.match(clientMarble.stdout, /reply "hello ping\\n"/);

  // Plaintext straight to the marble's port: the proxy's TLS handshake fails, the program never sees it.
  await new Promise<void>((resolve) => {
    const s = connect(meshPort, '127.0.0.1', () => s.write('plaintext please\n'));
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
  serverMarble.child.kill('SIGTERM');
  const done = await serverMarble.done;
  assert.equal(done.stdout.split('\n').filter((l) => l.startsWith('got ')).join('|'), 'got ping', 'only the client over mutual TLS reached the program');
});
