/**
 * Three `confide serve` replicas on one PostgreSQL database behave as one service (issue 11,
 * docs/store.md): MaxActivations holds across all three under concurrent activations, a token
 * one replica issues verifies with another's /certs, a policy set through one applies on the
 * others at once (each attestation reads the policy from the store), and after `kill -9` of one
 * replica in the middle of a burst and one crash-restart of PostgreSQL nothing answered is lost,
 * the others keep serving and the killed one rejoins. Dev mode: the replicas share a data
 * directory, so they share its seal key, simulation key and local CA (production replicas
 * share the seal key file instead: docs/kubernetes.md). Skips, naming what is missing, without
 * PostgreSQL server binaries.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { loadSimulationKey, simulateQuote, type SimulationKey } from '@confide/launcher/sim-key';
import { testIdentity, type TestIdentity } from '@confide/test-kit/identity';
import { freshSchema, rawQuery, testPostgres } from '@confide/test-kit/postgres';
import { loadScaled, startServe, type Served } from '@confide/test-kit/process';

const pg = testPostgres();
const MEASUREMENT = createHash('sha256').update('replicated backend').digest();
const LIMIT = 10;

interface Answer {
  status: number;
  body: Record<string, any>;
}

function call(server: Served, method: string, path: string, body: unknown, options: { identity?: TestIdentity; headers?: Record<string, string>; raw?: string } = {}): Promise<Answer> {
  const url = new URL(path, server.url);
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(server.caCert),
        ...(options.identity ? { cert: options.identity.pem, key: options.identity.keyPem } : {}),
        headers: { ...(payload !== undefined ? { 'content-type': options.raw !== undefined ? 'text/plain' : 'application/json' } : {}), ...options.headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: Record<string, any> = {};
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A marble's activation as the launcher sends it: simulated evidence binding its TLS key. */
async function activate(server: Served, simKey: SimulationKey, marbleType: string, uuid: string): Promise<Answer> {
  const identity = await testIdentity(`marble-${uuid}`);
  const reportData = new Uint8Array(64);
  reportData.set(createHash('sha256').update(identity.spki).digest());
  const evidence = Buffer.from(await simulateQuote(simKey, { measurement: MEASUREMENT, reportData })).toString('base64');
  return call(server, 'POST', '/api/v2/marble/activate', { marbleType, uuid, tee: 'sim', evidence }, { identity });
}

/** A UUID per phase and index: the phase's hex tag, then the index. */
const uuid = (i: number, tag: string): string => `${tag.padEnd(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
const b64url = (text: string): string => Buffer.from(text).toString('base64url');

/** An unsigned policy JWS as the Azure SDK sends it (docs/attestation-admin.md). */
function unsignedPolicy(text: string): string {
  return `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify({ AttestationPolicy: b64url(text) }))}.`;
}

/** Retries `op` until it answers 200 or `ms` pass: the first requests after a database restart may meet broken connections. */
async function eventually(op: () => Promise<Answer>, ms: number): Promise<Answer> {
  const until = Date.now() + ms;
  for (;;) {
    const answer = await op().catch((err: Error) => ({ status: 0, body: { error: err.message } }));
    if (answer.status === 200 || Date.now() > until) return answer;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('three replicas on one PostgreSQL: MaxActivations, tokens, policies, kill -9 and a database restart', { skip: pg.skip }, async () => {
  const url = await pg.url();
  const schema = freshSchema();
  const store = `${url}?schema=${schema}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-replicas-'));
  const servers: Served[] = [];
  const serve = async (): Promise<Served> => {
    const s = await startServe(['--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0'], { CONFIDE_STORE: store });
    servers.push(s);
    return s;
  };
  after(async () => {
    for (const s of servers) s.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    rmSync(dataDir, { recursive: true, force: true });
    await pg.stop();
  });

  // The first creates the dev keys in the shared data directory; the other two start together (migrations under the advisory lock).
  const a = await serve();
  const [first, c] = await Promise.all([serve(), serve()]);
  let b = first;
  const simKey = await loadSimulationKey(dataDir, { create: false });

  const manifest = {
    Packages: { backend: { Tee: 'sim', UniqueID: MEASUREMENT.toString('hex') } },
    Marbles: { limited: { Package: 'backend', MaxActivations: LIMIT }, worker: { Package: 'backend' } },
  };
  const set = await call(a, 'POST', '/api/v2/manifest', { manifest: Buffer.from(JSON.stringify(manifest)).toString('base64') });
  assert.equal(set.status, 200, JSON.stringify(set.body));

  // 1. MaxActivations from all three at once: exactly LIMIT of 30 distinct marbles get in.
  const replicas = [a, b, c];
  const limited = await Promise.all(Array.from({ length: 30 }, (_, i) => activate(replicas[i % 3]!, simKey, 'limited', uuid(i, 'a11'))));
  const admitted = limited.filter((r) => r.status === 200);
  assert.equal(admitted.length, LIMIT, limited.map((r) => `${r.status} ${r.body['code'] ?? ''}`).join(', '));
  for (const r of limited.filter((r) => r.status !== 200)) assert.equal(r.body['code'], 'ERR_MAX_ACTIVATIONS', JSON.stringify(r.body));
  const [{ n } = { n: '' }] = await rawQuery<{ n: string }>(url, `SELECT count(*) AS n FROM ${schema}.activations WHERE marble_type = 'limited'`);
  assert.equal(Number(n), LIMIT);

  // 2. A token issued by b verifies with the keys c and a publish.
  const quote = Buffer.from(await simulateQuote(simKey, { measurement: MEASUREMENT })).toString('base64url');
  const attested = await call(b, 'POST', '/attest/Simulated', { quote });
  assert.equal(attested.status, 200, JSON.stringify(attested.body));
  for (const other of [c, a]) {
    const jwks = await call(other, 'GET', '/certs', undefined);
    const { payload } = await jwtVerify(attested.body['token'], createLocalJWKSet(jwks.body as never));
    assert.equal(payload['x-ms-attestation-type'], 'sim');
  }

  // 3. A policy set through a applies on c at once (every attestation reads it from the store); reset through b.
  const deny = unsignedPolicy('version=1.0; authorizationrules { => deny(); }; issuancerules { };');
  const put = await call(a, 'PUT', '/policies/Simulated', undefined, { raw: deny, headers: { authorization: 'Bearer dev' } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const denied = await call(c, 'POST', '/attest/Simulated', { quote });
  assert.equal(denied.status, 400);
  assert.match(JSON.stringify(denied.body), /ERR_POLICY_DENIED/);
  const reset = await call(b, 'POST', '/policies/Simulated:reset', undefined, { raw: `${b64url(JSON.stringify({ alg: 'none' }))}..`, headers: { authorization: 'Bearer dev' } });
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.equal((await call(c, 'POST', '/attest/Simulated', { quote })).status, 200);

  // 4. kill -9 b in the middle of a burst across all three, once it has answered some of its share; then PostgreSQL crash-restarts once.
  const answered: string[] = [];
  let answeredByB = 0;
  let bAnsweredSome!: () => void;
  const bBusy = new Promise<void>((resolve) => (bAnsweredSome = resolve));
  const burst = Array.from({ length: 60 }, (_, i) => {
    const id = uuid(i, 'b0b');
    const target = replicas[i % 3]!;
    return activate(target, simKey, 'worker', id)
      .then((r) => {
        if (r.status === 200) answered.push(id);
        if (r.status === 200 && target === b && ++answeredByB === 3) bAnsweredSome();
        return r.status;
      })
      .catch(() => 0); // b's connections die with it: never answered, so never promised
  });
  await Promise.race([bBusy, Promise.all(burst)]);
  b.child.kill('SIGKILL');
  assert.equal(await b.exited, null, 'killed by a signal');
  const statuses = await Promise.all(burst);
  const ofB = statuses.filter((_, i) => i % 3 === 1);
  assert.ok(ofB.some((s) => s === 200) && ofB.some((s) => s === 0), `b answered some of its share and died with the rest in flight: ${ofB.join(',')}`);
  assert.ok(statuses.filter((_, i) => i % 3 !== 1).every((s) => s === 200), 'a and c answered all of theirs');
  await pg.restart();

  // The others keep serving: after the restart every activation through a and c goes through.
  for (let i = 0; i < 6; i++) {
    const id = uuid(i, 'af7e');
    const r = await eventually(() => activate(i % 2 ? a : c, simKey, 'worker', id), loadScaled(20_000));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    answered.push(id);
  }
  // The killed replica rejoins: restarted on the same database, it serves the deployment the others set.
  b = await serve();
  const rejoined = await activate(b, simKey, 'worker', uuid(0, 'e70'));
  assert.equal(rejoined.status, 200, JSON.stringify(rejoined.body));
  answered.push(uuid(0, 'e70'));
  assert.equal((await activate(b, simKey, 'limited', uuid(99, 'a11'))).body['code'], 'ERR_MAX_ACTIVATIONS', 'the limit reached through the others holds on the rejoined one');

  // Nothing answered is lost: every activation a replica answered is in the database.
  const stored = new Set((await rawQuery<{ uuid: string }>(url, `SELECT uuid FROM ${schema}.activations`)).map((r) => r.uuid));
  const lost = answered.filter((id) => !stored.has(id));
  assert.deepEqual(lost, [], `${lost.length} of ${answered.length} answered activations are missing`);
});
