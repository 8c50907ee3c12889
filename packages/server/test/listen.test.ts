/** `serve` on several hosts: one port, every address answers, the dev certificate names them and the --tls-san names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '../src/index.js';

/** True when this machine can bind ::1 (some containers have no IPv6 loopback). */
async function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '::1', port: 0 }, () => probe.close(() => resolve(true)));
  });
}

function healthz(host: string, port: number, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    // No servername: the certificate must name the IP address itself.
    const req = request({ host, port, path: '/healthz', ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function sans(certPath: string): string[] {
  return (new X509Certificate(readFileSync(certPath)).subjectAltName ?? '').split(', ');
}

test('serve listens on every host on one port, and the dev certificate names them and the --tls-san names', async (t) => {
  const ipv6 = await hasIpv6Loopback();
  if (!ipv6) t.diagnostic('no IPv6 loopback on this machine: the ::1 listener is not checked');
  const hosts = ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-listen-'));
  const flags = { host: [hosts.join(',')], port: '0', dataDir, logLevel: 'silent', 'tls.san': ['confide.example.test', '10.9.8.7'] };
  const server = await startServer(loadConfig({ flags }).config);
  try {
    const port = Number(new URL(server.url).port);
    assert.notEqual(port, 0);
    assert.equal(server.url, `https://127.0.0.1:${port}`);
    assert.deepEqual(server.urls, hosts.map((h) => `https://${h.includes(':') ? `[${h}]` : h}:${port}`));
    const ca = readFileSync(server.caCertPath!);
    for (const host of hosts) assert.equal(await healthz(host, port, ca), 200, host);
    const names = sans(join(dataDir, 'tls', 'server.pem'));
    for (const name of ['DNS:confide.example.test', 'IP Address:10.9.8.7', 'IP Address:127.0.0.1', 'DNS:localhost']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    assert.ok(names.some((n) => /^IP Address:(0:0:0:0:0:0:0:1|::1)$/i.test(n)), names.join(', '));
  } finally {
    await server.close();
  }

  // Same names again: the certificate is kept; a changed set re-issues it without the dropped name.
  const before = readFileSync(join(dataDir, 'tls', 'server.pem'), 'utf8');
  const again = await startServer(loadConfig({ flags }).config);
  await again.close();
  assert.equal(readFileSync(join(dataDir, 'tls', 'server.pem'), 'utf8'), before);
  const changed = await startServer(loadConfig({ flags: { ...flags, 'tls.san': ['other.example.test'] } }).config);
  await changed.close();
  const names = sans(join(dataDir, 'tls', 'server.pem'));
  assert.ok(names.includes('DNS:other.example.test'));
  assert.ok(!names.includes('DNS:confide.example.test'));
});

test('a host that cannot be bound stops the start with ERR_CONFIG_INVALID, closing the listeners already open', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-listen-'));
  // 192.0.2.1 (TEST-NET-1) is not an address of this machine.
  const config = loadConfig({ flags: { host: ['127.0.0.1', '192.0.2.1'], port: '0', dataDir, logLevel: 'silent' } }).config;
  await assert.rejects(startServer(config), (err: Error & { code?: string }) => err.code === 'ERR_CONFIG_INVALID');
});
