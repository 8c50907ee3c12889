/**
 * The TTLS proxy of `confide run --ttls proxy` (src/ttls/proxy.ts) around two unmodified
 * programs, small node scripts spawned as plain processes that know nothing of TLS: the client
 * connects in plaintext to the address CONFIDE_TTLS_CONNECT_* names, the server listens in
 * plaintext where CONFIDE_TTLS_LISTEN_* says, and between the two proxies the connection is
 * mutual TLS under the Marble root, as MARBLE_TTLS_CONFIG (MarbleRun marbleapi.go setTTLSConfig)
 * describes. A plaintext client, a client without a certificate or with one from another CA, and
 * a server the Marble root did not issue are all refused before the program sees a byte.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as connectPlain, createServer as createPlainServer } from 'node:net';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { isConfideError } from '@confide/core';
import { connectEnvName, listenEnvName, parseTtlsConfig, startTtlsProxy, type TtlsProxy } from '../src/ttls/index.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const tmp = mkdtempSync(join(tmpdir(), 'confide-ttls-'));
const proxies: TtlsProxy[] = [];
after(async () => {
  for (const p of proxies) await p.close();
});

interface Pem {
  cert: string;
  key: string;
}

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/** A CA like the Marble root: self-signed, may sign. */
async function ca(name: string): Promise<Pem & { keys: CryptoKeyPair; certificate: x509.X509Certificate }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true)],
  });
  return { cert: certificate.toString('pem'), key: await keyPem(keys), keys, certificate };
}

/** A marble certificate as the coordinator issues them: CN=uuid, serverAuth + clientAuth, localhost and 127.0.0.1. */
async function leaf(issuer: Awaited<ReturnType<typeof ca>>, cn: string): Promise<Pem> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: `CN=${cn}`,
    issuer: issuer.certificate.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  return { cert: certificate.toString('pem'), key: await keyPem(keys) };
}

async function freePort(): Promise<number> {
  const probe = createPlainServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** An unmodified server: plaintext on the address CONFIDE_TTLS_LISTEN_<port> names, one reply per line, each line it got on stdout. */
const SERVER = `
const net = require('node:net');
const [host, port] = process.env[process.argv[2]].split(':');
net.createServer((s) => {
  s.setEncoding('utf8');
  s.on('data', (d) => { process.stdout.write('got ' + d); s.end('hello ' + d); });
  s.on('error', () => {});
}).listen(Number(port), host, () => process.stdout.write('listening\\n'));
`;

/** An unmodified client: plaintext to the address CONFIDE_TTLS_CONNECT_* names, prints the reply. */
const CLIENT = `
const net = require('node:net');
const [host, port] = process.env[process.argv[2]].split(':');
const s = net.connect(Number(port), host, () => s.write('ping\\n'));
let got = '';
s.setEncoding('utf8');
s.on('data', (d) => { got += d; });
s.on('close', () => { process.stdout.write('reply ' + JSON.stringify(got) + '\\n'); });
s.on('error', (e) => { process.stdout.write('error ' + e.code + '\\n'); });
`;
writeFileSync(join(tmp, 'server.js'), SERVER);
writeFileSync(join(tmp, 'client.js'), CLIENT);

function program(script: string, variable: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [join(tmp, script), variable], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  return { child, output: () => out, exited: once(child, 'exit') };
}

/** Resolves when the socket closed, whatever error came before (events.once would reject on it). */
function closed(socket: { on(event: 'error', fn: () => void): unknown; once(event: 'close', fn: () => void): unknown }): Promise<void> {
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', resolve));
}

async function waitFor(check: () => boolean, what: () => string = () => ''): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), `timed out ${what()}`);
}

/** MARBLE_TTLS_CONFIG as marbleapi.go setTTLSConfig writes it (Go's json.Marshal: map keys sorted). */
function ttlsConfig(incoming: Record<string, Pem & { ca: string; clientAuth: boolean }>, outgoing: Record<string, Pem & { ca: string }>): string {
  const inc = Object.fromEntries(Object.entries(incoming).map(([k, v]) => [k, { cacrt: v.ca, clicrt: v.cert, clientAuth: v.clientAuth, clikey: v.key }]));
  const out = Object.fromEntries(Object.entries(outgoing).map(([k, v]) => [k, { cacrt: v.ca, clicrt: v.cert, clikey: v.key }]));
  return JSON.stringify({ tls: { Incoming: inc, Outgoing: out } });
}

const root = await ca('Marble root');
const other = await ca('Someone else');
const [serverCert, clientCert, outsider] = await Promise.all([leaf(root, 'server-uuid'), leaf(root, 'client-uuid'), leaf(other, 'intruder')]);

test('a TTLS pair of unmodified programs talks through the proxies with mutual TLS; plaintext, no certificate and a foreign CA are refused', async () => {
  const port = await freePort();
  const serverProxy = await startTtlsProxy({ config: parseTtlsConfig(ttlsConfig({ [`*:${port}`]: { ...serverCert, ca: root.cert, clientAuth: true } }, {})), incomingHost: '127.0.0.1' });
  proxies.push(serverProxy);
  const listenVar = listenEnvName(port);
  assert.match(serverProxy.env[listenVar]!, /^127\.0\.0\.1:[0-9]+$/);
  const server = program('server.js', listenVar, serverProxy.env);
  after(() => server.child.kill());
  await waitFor(() => server.output().includes('listening'));

  const clientProxy = await startTtlsProxy({ config: parseTtlsConfig(ttlsConfig({}, { [`127.0.0.1:${port}`]: { ...clientCert, ca: root.cert } })) });
  proxies.push(clientProxy);
  const connectVar = connectEnvName('127.0.0.1', port);
  assert.equal(connectVar, `CONFIDE_TTLS_CONNECT_127_0_0_1_${port}`);
  const client = program('client.js', connectVar, clientProxy.env);
  await client.exited;
  assert.equal(client.output(), 'reply "hello ping\\n"\n');

  // What reaches the proxy's TLS port directly. Plaintext: the handshake fails, nothing is passed on.
  const plain = connectPlain(port, '127.0.0.1');
  plain.on('error', () => undefined);
  plain.write('GET / HTTP/1.0\r\n\r\n');
  await closed(plain);
  // TLS without a client certificate, and with one another CA issued: refused in the handshake.
  for (const creds of [{}, { cert: outsider.cert, key: outsider.key }]) {
    const s = connectTls({ host: '127.0.0.1', port, ca: root.cert, ...creds });
    s.on('error', () => undefined);
    s.on('secureConnect', () => s.write('sneak\n'));
    await closed(s);
  }
  // A client that verifies the server and presents a marble certificate gets through: the server proxy presents the marble certificate.
  const good = connectTls({ host: '127.0.0.1', port, ca: root.cert, cert: clientCert.cert, key: clientCert.key });
  await once(good, 'secureConnect');
  assert.equal(good.getPeerCertificate().subject.CN, 'server-uuid');
  good.end('direct\n');
  await once(good, 'close');
  await waitFor(() => server.output().includes('got direct'), () => server.output());
  assert.equal(server.output(), 'listening\ngot ping\ngot direct\n', 'only the two mutually authenticated connections reached the program');
  server.child.kill();
  await server.exited;
});

test('Outgoing: a server the Marble root did not issue is refused; the program gets no reply and nothing left in plaintext', async () => {
  const rogue = createTlsServer({ cert: outsider.cert, key: outsider.key }, (s) => s.end('secret reply\n'));
  rogue.listen(0, '127.0.0.1');
  await once(rogue, 'listening');
  const port = (rogue.address() as { port: number }).port;
  let rogueGotData = false;
  rogue.on('secureConnection', (s) => s.on('data', () => (rogueGotData = true)));
  const proxy = await startTtlsProxy({ config: parseTtlsConfig(ttlsConfig({}, { [`127.0.0.1:${port}`]: { ...clientCert, ca: root.cert } })) });
  proxies.push(proxy);
  const client = program('client.js', connectEnvName('127.0.0.1', port), proxy.env);
  await client.exited;
  assert.equal(client.output(), 'reply ""\n');
  assert.equal(rogueGotData, false);
  rogue.close();
});

test('a proxy that cannot be set up is ERR_TTLS_PROXY_FAILED and leaves nothing listening; a --ttls-port for no entry is ERR_USAGE', async () => {
  const taken = createPlainServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  const port = (taken.address() as { port: number }).port;
  const outPort = await freePort();
  const config = parseTtlsConfig(ttlsConfig({ [`*:${port}`]: { ...serverCert, ca: root.cert, clientAuth: true } }, { [`db:5432`]: { ...clientCert, ca: root.cert } }));
  await assert.rejects(startTtlsProxy({ config, incomingHost: '127.0.0.1', localPorts: { 'db:5432': outPort } }), (err) => isConfideError(err, 'ERR_TTLS_PROXY_FAILED') && err.details?.['reason'] === 'listen');
  taken.close();
  // The Outgoing listener was never left behind: its port is free again (listeners start in order, all closed on failure).
  const probe = createPlainServer().listen(outPort, '127.0.0.1');
  await once(probe, 'listening');
  probe.close();

  const mismatched = parseTtlsConfig(ttlsConfig({}, { 'db:5432': { cert: clientCert.cert, key: serverCert.key, ca: root.cert } }));
  await assert.rejects(startTtlsProxy({ config: mismatched }), (err) => isConfideError(err, 'ERR_TTLS_PROXY_FAILED') && err.details?.['reason'] === 'credentials');
  await assert.rejects(startTtlsProxy({ config: mismatched, localPorts: { 'other:1': 5 } }), (err) => isConfideError(err, 'ERR_USAGE'));
  for (const text of ['not json', '{"tls":{"Incoming":{"10.0.0.1:80":{}}}}', '{"tls":{"Outgoing":{"db":{}}}}', '{"tls":{"Outgoing":{"db:1":{"cacrt":"x"}}}}']) {
    assert.throws(() => parseTtlsConfig(text), (err) => isConfideError(err, 'ERR_TTLS_PROXY_FAILED') && err.details?.['reason'] === 'config', text);
  }
});
