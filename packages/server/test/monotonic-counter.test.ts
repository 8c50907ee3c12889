/**
 * MarbleRun's monotonic counter on the client API listener, driven as a MarbleRun marble drives it
 * (edgelesssys/marblerun api/api.go SetMonotonicCounter over api/rest/rest.go): TLS pinned to the
 * coordinator root from MARBLE_PREDEFINED_COORDINATOR_ROOT_CA, the client certificate
 * MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN with MARBLE_PREDEFINED_PRIVATE_KEY from a gRPC
 * activation, `POST /api/v2/monotonic-counter` with `{name, value}`. The answers as
 * coordinator/server/v2/v2.go MonotonicCounterPost writes them; the counter as
 * clientapi.go SetMonotonicCounter and store/wrapper/wrapper.go SetMonotonicCounter keep it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { toHex, utf8 } from '@confide/core';
import { CoordinatorService, createMemorySealProvider, createMockValidator } from '@confide/coordinator';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { testIdentity } from '@confide/test-kit/identity';
import { startMarbleApi } from '../src/marble-api/index.js';
import { buildClientApiApp } from '../src/client-api-app.js';
import { activate, premainIdentity, simulatedQuote } from './marble-grpc-helpers.js';

const UNIQUE_ID = 'ab'.repeat(32);
const admin = await testIdentity('admin');

function manifest(gates: string[], env = 'one'): Uint8Array {
  return utf8(
    JSON.stringify({
      Packages: { backend: { UniqueID: UNIQUE_ID, Debug: false } },
      Marbles: { backend: { Package: 'backend', Parameters: { Env: { WHICH: env } } }, frontend: { Package: 'backend' } },
      Users: { admin: { Certificate: admin.pem, Roles: ['updater'] } },
      Roles: { updater: { ResourceType: 'Manifest', Actions: ['UpdateManifest'] } },
      Config: { FeatureGates: gates, UpdateThreshold: 1 },
    }),
  );
}

const store = openSqliteStore(':memory:');
const validator = createMockValidator((quote) => ({ tee: 'sgx', reportData: toHex(quote), measurement: UNIQUE_ID, debug: false, tcbStatus: 'UpToDate' }));
const coordinator = await CoordinatorService.start({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(5)), evidence: { collateral: emptyCollateral }, validator });
// MarbleRun lower-cases gates at check and compares case-insensitively at use (docs/coordinator.md).
await coordinator.setManifest(manifest(['monotoniccounter']));
const marbleApi = await startMarbleApi({ coordinator, host: '127.0.0.1', port: 0 });
const clientApi = await buildClientApiApp({ coordinator, bodyLimit: 1 << 20 });
await clientApi.listen({ host: '127.0.0.1', port: 0 });
const clientPort = (clientApi.server.address() as { port: number }).port;
after(async () => {
  await clientApi.close();
  await marbleApi.close();
  await store.close();
});

/** What api.SetMonotonicCounter reads from the marble's environment (getMarbleCredentialsFromEnv). */
interface MarbleEnv {
  chain: string;
  key: string;
  root: string;
}

/** A marble activated over gRPC as premain does; its credentials from the answer's environment. */
async function marble(type: string, uuid: string = randomUUID()): Promise<MarbleEnv> {
  const id = await premainIdentity();
  const answer = await activate(`127.0.0.1:${marbleApi.address.port}`, id, { Quote: simulatedQuote(id.certDer), CSR: id.csrDer, MarbleType: type, UUID: uuid });
  const env = (name: string) => answer.Parameters.Env[name]!.toString('utf8');
  return { chain: env('MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN'), key: env('MARBLE_PREDEFINED_PRIVATE_KEY'), root: env('MARBLE_PREDEFINED_COORDINATOR_ROOT_CA') };
}

/** POST /api/v2/monotonic-counter as rest.Client.Post sends it; the raw answer text, so a uint64 keeps its digits. */
function post(creds: { chain: string; key: string } | undefined, root: string, body: string): Promise<{ status: number; text: string; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: clientPort,
        path: '/api/v2/monotonic-counter',
        method: 'POST',
        ca: root,
        ...(creds ? { cert: creds.chain, key: creds.key } : {}),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** api.SetMonotonicCounter: json.Marshal(MonotonicCounterRequest{Name, Value}), the answer's `value` as Go decodes it into a uint64. */
async function setCounter(m: MarbleEnv, name: string, value: bigint): Promise<bigint> {
  const answer = await post(m, m.root, `{"name":${JSON.stringify(name)},"value":${value}}`);
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.status, 'success');
  const digits = /"value":([0-9]+)/.exec(answer.text);
  assert.ok(digits, answer.text);
  return BigInt(digits[1]!);
}

test("cmd/marble-test testMonotonicCounter's sequence: 2 answers 0, 3 answers 2; lower or equal values change nothing", async () => {
  const m = await marble('backend');
  assert.equal(await setCounter(m, 'foo', 2n), 0n);
  assert.equal(await setCounter(m, 'foo', 3n), 2n);
  assert.equal(await setCounter(m, 'foo', 1n), 3n, 'a lower value answers the current one and keeps it');
  assert.equal(await setCounter(m, 'foo', 3n), 3n);
  assert.equal(await setCounter(m, 'bar', 1n), 0n, 'another name is another counter');
  const log = (await coordinator.auditLog()).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    log.filter((e) => e.type === 'marble.counter').map((e) => [e.details.name, e.details.value, e.details.previous]),
    [
      ['foo', '2', '0'],
      ['foo', '3', '2'],
      ['bar', '1', '0'],
    ],
    'raises are audited, sets that change nothing are not',
  );
});

test('the whole uint64 range keeps every digit both ways; values Go cannot decode into a uint64 are 400 fail', async () => {
  const m = await marble('backend');
  const max = 2n ** 64n - 1n;
  assert.equal(await setCounter(m, 'big', 2n ** 53n + 1n), 0n);
  assert.equal(await setCounter(m, 'big', max), 2n ** 53n + 1n);
  assert.equal(await setCounter(m, 'big', 5n), max);
  // Go's decoder: names case-insensitive, unknown fields ignored, null keeps the zero value.
  const loose = await post(m, m.root, '{"NAME":"big","Value":null,"extra":[1,{"value":7}]}');
  assert.equal(loose.status, 200, loose.text);
  assert.match(loose.text, /"value":18446744073709551615}/, 'value null is 0, which changes nothing: the answer is the value the counter holds');
  for (const body of ['{"name":"big","value":-1}', '{"name":"big","value":1.5}', '{"name":"big","value":1e3}', '{"name":"big","value":"3"}', '{"name":"big","value":18446744073709551616}', '{"name":5,"value":1}', '[]', 'not json', '']) {
    const answer = await post(m, m.root, body);
    assert.equal(answer.status, 400, `${body}: ${answer.text}`);
    assert.equal(answer.json.status, 'fail', body);
    assert.equal(answer.json.code, 'ERR_BODY_MALFORMED', body);
  }
});

test('a counter belongs to the marble type and UUID, and outlives a manifest update; the caller is known by its certificate only', async () => {
  const uuid = randomUUID();
  const first = await marble('backend', uuid);
  assert.equal(await setCounter(first, 'c', 10n), 0n);
  assert.equal(await setCounter(await marble('backend'), 'c', 1n), 0n, 'another UUID');
  assert.equal(await setCounter(await marble('frontend'), 'c', 1n), 0n, 'another type');

  // A user's certificate, none, or a certificate the Marble root did not issue: 401 fail (v2.go: handler.VerifyMarble).
  const root = first.root;
  for (const creds of [undefined, { chain: admin.pem, key: admin.keyPem }]) {
    const answer = await post(creds, root, '{"name":"c","value":11}');
    assert.equal(answer.status, 401, answer.text);
    assert.equal(answer.json.status, 'fail');
    assert.equal(answer.json.code, 'ERR_UNAUTHENTICATED');
  }

  // An update rotates the Marble root: the old certificate is no longer this deployment's marble
  // (clientapi.go VerifyMarble verifies against the current root only); re-activated, the same UUID finds its counter.
  await coordinator.update(admin.der, manifest(['MonotonicCounter'], 'two'));
  const stale = await post(first, root, '{"name":"c","value":11}');
  assert.equal(stale.status, 401, stale.text);
  assert.equal(stale.json.details.reason, 'chain');
  const again = await marble('backend', uuid);
  assert.equal(await setCounter(again, 'c', 11n), 10n);

  // A Confide (JSON route) marble certificate carries the MarbleType extension too.
  const self = await testIdentity('confide-marble');
  const evidence = new Uint8Array(64);
  evidence.set(createHash('sha256').update(self.spki).digest());
  const confide = await coordinator.activate({ marbleType: 'backend', uuid, tee: 'sgx', evidence, clientCertificate: self.der });
  assert.equal(await setCounter({ chain: confide.certificate, key: confide.privateKey, root: confide.rootCertificate }, 'c', 12n), 11n);
});

test('without the MonotonicCounter gate: 403 error before the caller is looked at (v2.go MonotonicCounterPost)', async () => {
  const m = await marble('backend');
  await coordinator.update(admin.der, manifest([], 'three'));
  const fresh = await marble('backend');
  for (const creds of [fresh, m, undefined]) {
    const answer = await post(creds, fresh.root, '{"name":"c","value":1}');
    assert.equal(answer.status, 403, answer.text);
    assert.equal(answer.json.status, 'error');
    assert.equal(answer.json.data, null);
    assert.equal(answer.json.message, 'ERR_FORBIDDEN: MonotonicCounter feature is not enabled in the manifest');
    assert.equal(answer.json.code, 'ERR_FORBIDDEN');
  }
});
