/**
 * Bad input and slow sockets against a real HTTPS listener, in dev and production mode: a deeply
 * nested draft policy on an unauthenticated attest request, oversized values that would be signed
 * into a token, deep runtime JSON, a body trickled byte by byte, headers that never finish, idle
 * keep-alive connections, a flood of connections, and TLS versions, suites and renegotiation the
 * server must refuse.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { confideCode, startSecureServer, type SecureServer } from './security-helpers.js';

const b64url = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');
const LIMITS = { CONFIDE_HTTP_REQUEST_TIMEOUT: '2000', CONFIDE_HTTP_HEADERS_TIMEOUT: '1000', CONFIDE_HTTP_IDLE_TIMEOUT: '300', CONFIDE_HTTP_MAX_CONNECTIONS: '4' };

function open(s: SecureServer, options: ConnectionOptions = {}): Promise<TLSSocket> {
  const url = new URL(s.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: s.ca, servername: 'localhost', ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent and the milliseconds until it closed the connection. */
function untilClosed(socket: TLSSocket): Promise<{ ms: number; received: string }> {
  const start = Date.now();
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve({ ms: Date.now() - start, received })));
}

for (const mode of ['dev', 'production'] as const) {
  describe(`${mode}: bad input and resource limits`, () => {
    let s: SecureServer;
    const attest = (body: object) => s.send('POST', '/attest/SgxEnclave?api-version=2022-08-01', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const assertLimit = (res: Awaited<ReturnType<typeof attest>>, limit: string) => {
      assert.equal(res.status, 400, res.body);
      assert.equal(confideCode(res), 'ERR_LIMIT_EXCEEDED');
      assert.equal((res.json()['error'] as { innererror: { details: { limit: string } } }).innererror.details.limit, limit);
    };

    before(async () => {
      s = await startSecureServer(mode, { env: LIMITS });
    });
    after(() => s.close());

    test('3,000 nested calls in a 36 KB draft policy on an unauthenticated attest request: 400 naming policy.maxNesting, and the server lives on', async () => {
      const draft = `version=1.2; authorizationrules { => permit(); }; issuancerules { => issue(type="a", value=${'NegateBool('.repeat(3000)}true${')'.repeat(3000)}); };`;
      assert.ok(draft.length > 36_000);
      assertLimit(await attest({ quote: b64url('quote'), draftPolicyForAttestation: draft }), 'policy.maxNesting');
      const jmes = `version=1.2; authorizationrules { => permit(); }; issuancerules { => issue(type="a", value=JmesPath("{}", "${'('.repeat(3000)}@${')'.repeat(3000)}")); };`;
      const res = await attest({ quote: b64url('quote'), draftPolicyForAttestation: jmes });
      assert.equal(res.status, 400, res.body);
      assert.equal((await s.send('GET', '/healthz')).status, 200);
    });

    test('caller values signed into tokens are bounded: a 200,000-character nonce, 70 KB of runtime data, runtime JSON nested 50,000 deep', async () => {
      assertLimit(await attest({ quote: b64url('quote'), nonce: 'n'.repeat(200_000) }), 'attest.maxNonceLength');
      assertLimit(await attest({ quote: b64url('quote'), runtimeData: { data: b64url(new Uint8Array(70_000)), dataType: 'Binary' } }), 'attest.maxDataBytes');
      const deep = '['.repeat(30_000) + ']'.repeat(30_000);
      assertLimit(await attest({ quote: b64url('quote'), runtimeData: { data: b64url(deep), dataType: 'JSON' } }), 'json.maxDepth');
    });

    test('a body trickled one byte at a time is cut off at http.requestTimeout', async () => {
      const socket = await open(s);
      const closed = untilClosed(socket);
      socket.write('POST /attest/SgxEnclave?api-version=2022-08-01 HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n');
      const timer = setInterval(() => socket.writable && socket.write('{'), 250);
      const { ms, received } = await closed;
      clearInterval(timer);
      assert.ok(ms < 4500, `closed after ${ms} ms`);
      assert.match(received, /^HTTP\/1\.1 408/);
    });

    if (mode === 'production') {
      test('headers that never finish are cut off at http.headersTimeout; an idle keep-alive connection at http.idleTimeout', async () => {
        const slow = await open(s);
        const slowClosed = untilClosed(slow);
        slow.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n');
        const timer = setInterval(() => slow.writable && slow.write('x-a: b\r\n'), 200);
        const headers = await slowClosed;
        clearInterval(timer);
        assert.ok(headers.ms < 3500, `closed after ${headers.ms} ms`);

        const idle = await open(s);
        const idleClosed = untilClosed(idle);
        idle.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n');
        const { ms, received } = await idleClosed;
        assert.match(received, /^HTTP\/1\.1 200/);
        assert.ok(ms < 2000, `idle connection closed after ${ms} ms`);
      });

      test('connections beyond http.maxConnections are closed at once', async () => {
        const held = await Promise.all([1, 2, 3, 4].map(() => open(s)));
        const extra = open(s).then(
          (socket) => untilClosed(socket).then(() => 'closed'),
          () => 'refused',
        );
        assert.match(await extra, /closed|refused/);
        for (const socket of held) socket.destroy();
      });

      test('TLS: 1.0 and 1.1, CBC and RSA key-exchange suites are refused; an ECDHE AEAD suite on TLS 1.2 and TLS 1.3 work; renegotiation is refused', async () => {
        for (const version of ['TLSv1', 'TLSv1.1'] as const) {
          await assert.rejects(open(s, { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' }), Error, version);
        }
        for (const cipher of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA', 'AES128-GCM-SHA256', 'AES256-SHA256']) {
          await assert.rejects(open(s, { maxVersion: 'TLSv1.2', ciphers: cipher }), Error, cipher);
        }
        const tls12 = await open(s, { maxVersion: 'TLSv1.2' });
        assert.match(tls12.getCipher().name, /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
        const renegotiated = await new Promise<Error | null>((resolve) => {
          tls12.on('error', (err) => resolve(err));
          tls12.on('close', () => resolve(new Error('closed')));
          tls12.renegotiate({ rejectUnauthorized: false }, (err) => resolve(err ?? null));
        });
        assert.ok(renegotiated instanceof Error, 'renegotiation must fail');
        tls12.destroy();
        const tls13 = await open(s);
        assert.equal(tls13.getProtocol(), 'TLSv1.3');
        tls13.destroy();
      });
    }
  });
}
