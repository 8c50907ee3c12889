/**
 * The coordinator end to end, as a user drives it: `confide serve`, `coordinator verify`, a
 * manifest with simulated packages, three marbles under `confide run` (Node HTTPS server and
 * client talking mutual TLS with coordinator-issued certificates, a shell program reading an
 * uploaded secret), refusals (wrong measurement, MaxActivations, roles), package and multi-party
 * manifest updates, restart, recovery after a lost seal key, and the audit log verified offline.
 * The steps share one coordinator and run in order.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, generateKeyPairSync, privateDecrypt, webcrypto } from 'node:crypto';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { startLauncher, type Started } from './fixtures/launcher/spawn-launcher.js';
import { testIdentity } from '@confide/test-kit/identity';
import { freePort, loadScaled, runCli, runCliJson as cli, startServe, type CliJson, type Served } from '@confide/test-kit/process';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/coordinator');
const tmp = mkdtempSync(join(tmpdir(), 'confide-e2e-coord-'));
const dataDir = join(tmp, 'data');
const SECRET_TOKEN = 'tok-5f1c2e';

let port: number;
let served: Served | undefined;
let addr: string;
let conn: string[];
const marbles: Started[] = [];

type Json = CliJson['json'];

function expectOk(r: CliJson, what: string): Json {
  assert.equal(r.code, 0, `${what}: ${JSON.stringify(r.json)} ${r.stderr}`);
  assert.equal(r.json.ok, true, what);
  return r.json;
}

function expectFail(r: CliJson, exit: number, code: string, what: string): void {
  assert.equal(r.code, exit, `${what}: ${JSON.stringify(r.json)} ${r.stderr}`);
  assert.equal(r.json.error?.code, code, what);
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A fixture program copied into its own directory, executable. */
function program(name: string, dir: string, extra = ''): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  copyFileSync(join(FIXTURES, name), path);
  if (extra) appendFileSync(path, extra);
  chmodSync(path, 0o755);
  return path;
}

/** A user: a self-signed P-256 client certificate and its key, written to files. */
async function makeUser(name: string): Promise<{ certPem: string; certFile: string; keyFile: string }> {
  const user = await testIdentity(name, { extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])] });
  const certFile = join(tmp, `${name}.crt`);
  const keyFile = join(tmp, `${name}.key`);
  writeFileSync(certFile, user.pem + '\n');
  writeFileSync(keyFile, user.keyPem);
  return { certPem: user.pem + '\n', certFile, keyFile };
}

function as(user: { certFile: string; keyFile: string }): string[] {
  return [...conn, '--cert', user.certFile, '--key', user.keyFile];
}

async function serve(): Promise<void> {
  served = await startServe(['--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir]);
  conn = ['--coordinator', addr, '--ca', served.caCert];
}

async function stopServe(): Promise<void> {
  if (!served) return;
  served.child.kill('SIGTERM');
  if ((await settled(served.exited.then(() => 'exited'), 30_000)) === undefined) {
    served.child.kill('SIGKILL');
    await served.exited;
  }
  served = undefined;
}

/** `confide run --tee sim` for a marble type, in its own working directory (its own UUID file). */
function launch(marbleType: string, cwd: string, command: string[], timeoutMs = loadScaled(60_000)): Started {
  mkdirSync(cwd, { recursive: true });
  // Each instance keeps its UUID in its own folder: the default file under the shared data directory is one per marble type.
  const uuidFile = join(cwd, 'uuid');
  return startLauncher(['--json', 'run', '--tee', 'sim', '--coordinator', addr, '--marble-type', marbleType, '--data-dir', dataDir, '--uuid-file', uuidFile, '--', ...command], {}, cwd, timeoutMs);
}

function settled<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, sleep(ms, undefined, { ref: false })]);
}

// Fixed at set-up, used by later steps.
let users: Record<'admin' | 'reader' | 'carol' | 'stranger', { certPem: string; certFile: string; keyFile: string }>;
const recoveryKeys: Record<string, { publicPem: string; privatePem: string }> = {};
let manifestV1: string;
let manifestV2: string;
let rootFingerprint: string;
let programs: { server: string; client: string; checker: string };
let serverPort: number;

function buildManifest(version: 1 | 2 | 3, legacySecurityVersion: number): string {
  const measure = (path: string) => sha256(readFileSync(path));
  const tlsFiles = {
    'tls/cert.pem': '{{ pem .MarbleRun.MarbleCert.Cert }}',
    'tls/key.pem': '{{ pem .MarbleRun.MarbleCert.Private }}',
    'tls/root.pem': '{{ pem .MarbleRun.RootCA.Cert }}',
  };
  const env = { SHARED_KEY: '{{ hex .Secrets.sharedKey }}', SERVER_PORT: String(serverPort) };
  const manifest = {
    Packages: {
      server: { Tee: 'sim', UniqueID: measure(programs.server) },
      client: { Tee: 'sim', UniqueID: measure(programs.client) },
      checker: { Tee: 'sim', UniqueID: measure(programs.checker) },
      legacy: { Tee: 'sim', SignerID: '00'.repeat(32), ProductID: 0, SecurityVersion: legacySecurityVersion },
    },
    Marbles: {
      server: { Package: 'server', Parameters: { Files: tlsFiles, Env: env } },
      client: { Package: 'client', MaxActivations: 2, Parameters: { Files: tlsFiles, Env: env } },
      checker: {
        Package: 'checker',
        Parameters: { Files: { 'secrets/api-token': '{{ raw .Secrets.apiToken }}' }, Env: { API_TOKEN: '{{ string .Secrets.apiToken }}', ...(version > 1 ? { MANIFEST_VERSION: String(version) } : {}) } },
      },
      legacy: { Package: 'legacy' },
    },
    Secrets: {
      sharedKey: { Type: 'symmetric-key', Size: 128, Shared: true },
      apiToken: { Type: 'plain', UserDefined: true },
    },
    Users: {
      admin: { Certificate: users.admin.certPem, Roles: ['tokenWriter', 'legacyUpdater', 'manifestUpdater'] },
      reader: { Certificate: users.reader.certPem, Roles: ['secretReader', 'manifestUpdater'] },
      carol: { Certificate: users.carol.certPem, Roles: ['manifestUpdater'] },
    },
    Roles: {
      tokenWriter: { ResourceType: 'Secrets', ResourceNames: ['apiToken'], Actions: ['WriteSecret'] },
      secretReader: { ResourceType: 'Secrets', ResourceNames: ['apiToken', 'sharedKey'], Actions: ['ReadSecret'] },
      legacyUpdater: { ResourceType: 'Packages', ResourceNames: ['legacy'], Actions: ['UpdateSecurityVersion'] },
      manifestUpdater: { ResourceType: 'Manifest', Actions: ['UpdateManifest'] },
    },
    RecoveryKeys: Object.fromEntries(Object.entries(recoveryKeys).map(([k, v]) => [k, v.publicPem])),
    Config: { UpdateThreshold: 2, RecoveryThreshold: 2 },
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}

before(async () => {
  port = await freePort();
  serverPort = await freePort();
  addr = `127.0.0.1:${port}`;
  const bin = join(tmp, 'bin');
  programs = { server: program('server.mjs', bin), client: program('client.mjs', bin), checker: program('check.sh', bin) };
  const [admin, reader, carol, stranger] = await Promise.all(['admin', 'reader', 'carol', 'stranger'].map(makeUser));
  users = { admin: admin!, reader: reader!, carol: carol!, stranger: stranger! };
  for (const name of ['r1', 'r2', 'r3']) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    recoveryKeys[name] = { publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  }
  manifestV1 = join(tmp, 'manifest-v1.json');
  writeFileSync(manifestV1, buildManifest(1, 0));
  await serve();
});

after(async () => {
  // The launcher forwards SIGTERM to the marble; a marble whose launcher is gone exits by itself (server.mjs).
  for (const m of marbles) if (m.child.exitCode === null) m.child.kill('SIGTERM');
  await settled(Promise.all(marbles.map((m) => m.done)), 15_000);
  await stopServe();
  rmSync(tmp, { recursive: true, force: true });
});

test('coordinator verify: attested against the instance simulation key; a wrong measurement or key exits 2', async () => {
  const keyFile = join(tmp, 'sim-key.pem');
  const key = await runCli(['sim', 'key', '--data-dir', dataDir]);
  assert.equal(key.code, 0, key.stderr);
  writeFileSync(keyFile, key.stdout);
  const otherKeyDir = join(tmp, 'other-instance');
  const otherKey = await runCli(['sim', 'key', '--data-dir', otherKeyDir]);
  assert.equal(otherKey.code, 0, otherKey.stderr);
  writeFileSync(join(tmp, 'other-key.pem'), otherKey.stdout);

  const [good, wrongMeasurement, wrongKey] = await Promise.all([
    cli(['coordinator', 'verify', '--coordinator', addr, '--sim-key', keyFile, '--out', join(tmp, 'root.pem')]),
    cli(['coordinator', 'verify', '--coordinator', addr, '--sim-key', keyFile, '--measurement', 'ab'.repeat(32)]),
    cli(['coordinator', 'verify', '--coordinator', addr, '--sim-key', join(tmp, 'other-key.pem')]),
  ]);
  const verified = expectOk(good, 'coordinator verify');
  assert.equal(verified['tee'], 'sim');
  assert.equal(verified['manifestFingerprint'], null);
  assert.equal(verified['state'], 2);
  assert.match(verified['rootFingerprint'] as string, /^[0-9a-f]{64}$/);
  rootFingerprint = verified['rootFingerprint'] as string;
  const rootPem = readFileSync(join(tmp, 'root.pem'), 'utf8');
  assert.equal(sha256(new Uint8Array(new x509.X509Certificate(rootPem).rawData)), rootFingerprint);
  expectFail(wrongMeasurement, 2, 'ERR_POLICY_DENIED', 'wrong measurement');
  expectFail(wrongKey, 2, 'ERR_EVIDENCE_UNTRUSTED_ROOT', 'another instance key');

  const status = expectOk(await cli(['status', ...conn]), 'status');
  assert.equal(status['code'], 2);
  const [root, intermediate, chain] = await Promise.all([
    cli(['certificate', 'root', ...conn]),
    cli(['certificate', 'intermediate', ...conn]),
    cli(['certificate', 'chain', ...conn, '--out', join(tmp, 'chain.pem')]),
  ]);
  assert.equal(expectOk(root, 'certificate root')['fingerprint'], rootFingerprint);
  const intermediatePem = expectOk(intermediate, 'certificate intermediate')['pem'] as string;
  expectOk(chain, 'certificate chain');
  assert.equal(readFileSync(join(tmp, 'chain.pem'), 'utf8'), intermediatePem + rootPem);
});

test('manifest set returns the recovery secrets; get and verify agree with the file; a changed file exits 2', async () => {
  const set = expectOk(await cli(['manifest', 'set', manifestV1, ...conn, '--recovery-data', join(tmp, 'recovery.json')]), 'manifest set');
  assert.equal(set['fingerprint'], sha256(readFileSync(manifestV1)));
  const recovery = JSON.parse(readFileSync(join(tmp, 'recovery.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(recovery).sort(), ['r1', 'r2', 'r3']);

  const other = join(tmp, 'manifest-other.json');
  writeFileSync(other, readFileSync(manifestV1, 'utf8') + ' ');
  const [get, verify, mismatch, again, attested] = await Promise.all([
    cli(['manifest', 'get', ...conn, '--root', join(tmp, 'root.pem')]),
    cli(['manifest', 'verify', manifestV1, ...conn]),
    cli(['manifest', 'verify', other, ...conn]),
    cli(['manifest', 'set', manifestV1, ...conn]),
    cli(['coordinator', 'verify', '--coordinator', addr, '--data-dir', dataDir]),
  ]);
  const got = expectOk(get, 'manifest get');
  assert.equal(got['manifest'], readFileSync(manifestV1, 'utf8'));
  assert.equal(got['rootSignatureVerified'], true);
  expectOk(verify, 'manifest verify');
  expectFail(mismatch, 2, 'ERR_EVIDENCE_BINDING_MISMATCH', 'manifest verify mismatch');
  expectFail(again, 3, 'ERR_COORDINATOR_STATE', 'second manifest set');
  const afterSet = expectOk(attested, 'coordinator verify after set');
  assert.equal(afterSet['manifestFingerprint'], sha256(readFileSync(manifestV1)));
  assert.equal(afterSet['state'], 3);
});

test('users read and write secrets only as their roles allow', async () => {
  const secrets = join(tmp, 'secrets.json');
  writeFileSync(secrets, JSON.stringify({ apiToken: { Key: Buffer.from(SECRET_TOKEN).toString('base64') } }));
  const [readerWrites, carolWrites, strangerWrites, noCert] = await Promise.all([
    cli(['secret', 'set', secrets, ...as(users.reader)]),
    cli(['secret', 'set', secrets, ...as(users.carol)]),
    cli(['secret', 'set', secrets, ...as(users.stranger)]),
    cli(['secret', 'set', secrets, ...conn]),
  ]);
  expectFail(readerWrites, 2, 'ERR_FORBIDDEN', 'reader writes');
  expectFail(carolWrites, 2, 'ERR_FORBIDDEN', 'carol writes');
  expectFail(strangerWrites, 2, 'ERR_UNAUTHENTICATED', 'stranger writes');
  expectFail(noCert, 1, 'ERR_USAGE', 'no client certificate');
  expectOk(await cli(['secret', 'set', secrets, ...as(users.admin)]), 'admin writes');

  const [readerReads, adminReads, carolReads] = await Promise.all([
    cli(['secret', 'get', 'apiToken', 'sharedKey', ...as(users.reader)]),
    cli(['secret', 'get', 'apiToken', ...as(users.admin)]),
    cli(['secret', 'get', 'sharedKey', ...as(users.carol)]),
  ]);
  const read = expectOk(readerReads, 'reader reads')['secrets'] as Record<string, { Type: string; Private: string }>;
  assert.equal(Buffer.from(read['apiToken']!.Private, 'base64').toString(), SECRET_TOKEN);
  assert.equal(read['sharedKey']!.Type, 'symmetric-key');
  assert.equal(Buffer.from(read['sharedKey']!.Private, 'base64').length, 16);
  expectFail(adminReads, 2, 'ERR_FORBIDDEN', 'admin reads (write-only role)');
  expectFail(carolReads, 2, 'ERR_FORBIDDEN', 'carol reads');
});

test('three marbles: Node server and client over mutual TLS, a shell program with the secret; wrong measurement and MaxActivations refused', async () => {
  // Runs until the end of the file: no SIGKILL after the usual minute.
  const server = launch('server', join(tmp, 'm-server'), [programs.server], 600_000);
  marbles.push(server);
  await server.waitFor('marble server ready');

  const client = launch('client', join(tmp, 'm-client'), [programs.client]);
  const checker = launch('checker', join(tmp, 'm-checker'), [programs.checker, SECRET_TOKEN]);
  const impostor = launch('checker', join(tmp, 'm-impostor'), [program('check.sh', join(tmp, 'bin-impostor'), '# changed\n'), SECRET_TOKEN]);
  const [c, k, i] = await Promise.all([client.done, checker.done, impostor.done]);
  assert.equal(c.code, 0, `client: ${c.stdout} ${c.stderr}`);
  assert.match(c.stdout, /marble client ok, server saw [0-9a-f-]{36}/);
  assert.equal(k.code, 0, `checker: ${k.stdout} ${k.stderr}`);
  assert.match(k.stdout, /marble checker ok/);
  assert.equal(i.code, 2, `impostor: ${i.stdout} ${i.stderr}`);
  assert.equal((JSON.parse(i.stdout.trim().split('\n').pop()!) as Json).error?.code, 'ERR_ACTIVATION_REFUSED');

  // The same client again keeps its UUID and re-activates, which counts as in MarbleRun (the second of
  // MaxActivations 2); then a second client (new UUID) is refused, and so would the first be.
  const again = await launch('client', join(tmp, 'm-client'), [programs.client]).done;
  const second = await launch('client', join(tmp, 'm-client-2'), [programs.client]).done;
  assert.equal(again.code, 0, `client again: ${again.stdout} ${again.stderr}`);
  assert.equal(second.code, 2, `second client: ${second.stdout} ${second.stderr}`);
  assert.equal((JSON.parse(second.stdout.trim().split('\n').pop()!) as Json).error?.code, 'ERR_MAX_ACTIVATIONS');
});

test('package update raises SecurityVersion (old marbles refused); a downgrade and an unauthorised update are refused', async () => {
  const legacy = (dir: string) => launch('legacy', join(tmp, dir), ['true']).done;
  assert.equal((await legacy('m-legacy')).code, 0, 'legacy marble activates at SecurityVersion 0');

  const up = join(tmp, 'update-up.json');
  const down = join(tmp, 'update-down.json');
  writeFileSync(up, JSON.stringify({ Packages: { legacy: { SecurityVersion: 1 } } }));
  writeFileSync(down, JSON.stringify({ Packages: { legacy: { SecurityVersion: 0 } } }));
  expectFail(await cli(['manifest', 'update', 'apply', up, ...as(users.reader)]), 2, 'ERR_FORBIDDEN', 'reader package update');
  const applied = expectOk(await cli(['manifest', 'update', 'apply', up, ...as(users.admin)]), 'package update');
  assert.equal(applied['applied'], true);
  expectFail(await cli(['manifest', 'update', 'apply', down, ...as(users.admin)]), 1, 'ERR_MANIFEST_INVALID', 'downgrade');

  const refused = await legacy('m-legacy-2');
  assert.equal(refused.code, 2, `legacy after the update: ${refused.stdout} ${refused.stderr}`);
  const log = expectOk(await cli(['manifest', 'log', ...conn]), 'manifest log')['updateLog'] as string[];
  const entries = log.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(entries.some((e) => e['package'] === 'legacy' && e['new version'] === 1 && e['user'] === 'admin'), JSON.stringify(entries));
});

test('a full manifest update needs 2 of 3 updaters; a pending update can be cancelled', async () => {
  manifestV2 = join(tmp, 'manifest-v2.json');
  writeFileSync(manifestV2, buildManifest(2, 1));
  const proposed = expectOk(await cli(['manifest', 'update', 'apply', manifestV2, ...as(users.admin)]), 'propose');
  assert.equal(proposed['applied'], false);
  assert.equal(proposed['missingAcknowledgments'], 1);

  const pendingFile = join(tmp, 'pending.json');
  const pending = expectOk(await cli(['manifest', 'update', 'get', ...conn, '--out', pendingFile]), 'update get');
  assert.deepEqual(pending['missingUsers'], ['carol', 'reader']);
  assert.equal(readFileSync(pendingFile, 'utf8'), readFileSync(manifestV2, 'utf8'));
  expectFail(await cli(['manifest', 'update', 'acknowledge', manifestV1, ...as(users.carol)]), 1, 'ERR_VALIDATION', 'acknowledge other bytes');
  expectFail(await cli(['manifest', 'verify', manifestV2, ...conn]), 2, 'ERR_EVIDENCE_BINDING_MISMATCH', 'not applied yet');

  const acknowledged = expectOk(await cli(['manifest', 'update', 'acknowledge', pendingFile, ...as(users.carol)]), 'acknowledge');
  assert.equal(acknowledged['applied'], true);
  expectOk(await cli(['manifest', 'verify', manifestV2, ...conn]), 'v2 is in force');

  const v3 = join(tmp, 'manifest-v3.json');
  writeFileSync(v3, buildManifest(3, 1));
  expectOk(await cli(['manifest', 'update', 'apply', v3, ...as(users.reader)]), 'propose v3');
  expectFail(await cli(['manifest', 'update', 'cancel', ...as(users.stranger)]), 2, 'ERR_UNAUTHENTICATED', 'stranger cancels');
  expectOk(await cli(['manifest', 'update', 'cancel', ...as(users.carol)]), 'carol cancels');
  expectFail(await cli(['manifest', 'update', 'get', ...conn]), 3, 'ERR_NOT_FOUND', 'nothing pending');
  expectOk(await cli(['manifest', 'verify', manifestV2, ...conn]), 'v2 still in force');
});

test('a restart keeps manifest, secrets, root and activations', async () => {
  await stopServe();
  await serve();
  const [status, verify, secret, attested] = await Promise.all([
    cli(['status', ...conn]),
    cli(['manifest', 'verify', manifestV2, ...conn]),
    cli(['secret', 'get', 'apiToken', ...as(users.reader)]),
    cli(['coordinator', 'verify', '--coordinator', addr, '--data-dir', dataDir]),
  ]);
  assert.equal(expectOk(status, 'status')['code'], 3);
  expectOk(verify, 'manifest verify after restart');
  const s = expectOk(secret, 'secret after restart')['secrets'] as Record<string, { Private: string }>;
  assert.equal(Buffer.from(s['apiToken']!.Private, 'base64').toString(), SECRET_TOKEN);
  assert.equal(expectOk(attested, 'verify after restart')['rootFingerprint'], rootFingerprint);
  const second = await launch('client', join(tmp, 'm-client-3'), [programs.client]).done;
  assert.equal(second.code, 2, 'MaxActivations still counts the activation from before the restart');
});

test('a lost seal key: recovery with 2 of 3 shares brings the same state back', async () => {
  await stopServe();
  const sealKey = join(dataDir, 'coordinator', 'seal.key');
  assert.ok(existsSync(sealKey), 'the coordinator seal key file');
  unlinkSync(sealKey);
  await serve();
  assert.equal(expectOk(await cli(['status', ...conn]), 'status')['code'], 1);
  expectFail(await cli(['secret', 'get', 'apiToken', ...as(users.reader)]), 3, 'ERR_COORDINATOR_STATE', 'secrets in recovery');

  const recovery = JSON.parse(readFileSync(join(tmp, 'recovery.json'), 'utf8')) as Record<string, string>;
  const decrypt = (name: string) =>
    privateDecrypt({ key: recoveryKeys[name]!.privatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(recovery[name]!, 'base64'));
  const share1 = join(tmp, 'share-r1.bin');
  writeFileSync(share1, decrypt('r1'));
  const bogus = join(tmp, 'share-bogus.bin');
  writeFileSync(bogus, Buffer.alloc(decrypt('r2').length, 7));

  const private1 = join(tmp, 'r1.pem');
  writeFileSync(private1, recoveryKeys['r1']!.privatePem);
  expectFail(await cli(['recover', share1, ...conn]), 1, 'ERR_USAGE', 'a share without a key to sign it');
  expectFail(await cli(['recover', bogus, '--private-key', private1, ...conn]), 2, 'ERR_RECOVERY_SHARE_INVALID', 'bogus share');
  const first = expectOk(await cli(['recover', share1, '--private-key', private1, ...conn]), 'first share');
  assert.equal(first['remaining'], 1);
  // The second holder lets the CLI decrypt: the encrypted share and their private key.
  const encrypted2 = join(tmp, 'share-r2.b64');
  const private2 = join(tmp, 'r2.pem');
  writeFileSync(encrypted2, recovery['r2']! + '\n');
  writeFileSync(private2, recoveryKeys['r2']!.privatePem);
  const second = expectOk(await cli(['recover', encrypted2, '--private-key', private2, ...conn]), 'second share');
  assert.equal(second['remaining'], 0);

  assert.equal(expectOk(await cli(['status', ...conn]), 'status')['code'], 3);
  const s = expectOk(await cli(['secret', 'get', 'apiToken', ...as(users.reader)]), 'secret after recovery')['secrets'] as Record<string, { Private: string }>;
  assert.equal(Buffer.from(s['apiToken']!.Private, 'base64').toString(), SECRET_TOKEN);
  expectOk(await cli(['manifest', 'verify', manifestV2, ...conn]), 'manifest after recovery');
  assert.equal(expectOk(await cli(['coordinator', 'verify', '--coordinator', addr, '--data-dir', dataDir]), 'attested after recovery')['rootFingerprint'], rootFingerprint);
});

test('the audit log verifies offline, and an edited log does not', async () => {
  const logFile = join(tmp, 'audit.jsonl');
  const keyFile = join(tmp, 'audit-key.jwk');
  expectOk(await cli(['audit', 'get', ...conn, '--out', logFile]), 'audit get');
  const key = expectOk(await cli(['audit', 'key', ...conn, '--out', keyFile]), 'audit key');
  // The fingerprint the console pins: RFC 7638 over the JWK written to the file.
  const { crv, kty, x, y } = JSON.parse(readFileSync(keyFile, 'utf8')) as JsonWebKey;
  assert.equal(key['thumbprint'], createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url'));
  const [offline, online] = await Promise.all([cli(['audit', 'verify', logFile, '--key', keyFile]), cli(['audit', 'verify', logFile, ...conn])]);
  const verified = expectOk(offline, 'audit verify offline');
  expectOk(online, 'audit verify against the coordinator head');
  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  assert.equal(verified['count'], lines.length);
  const types = lines.map((l) => (JSON.parse(l) as { type: string }).type);
  for (const t of ['manifest.set', 'secret.write', 'marble.activate', 'package.update', 'manifest.update', 'manifest.update.cancel', 'recovery.complete']) assert.ok(types.includes(t), `audit has ${t}: ${types.join(',')}`);

  const edited = join(tmp, 'audit-edited.jsonl');
  const at = types.indexOf('secret.write');
  const entry = JSON.parse(lines[at]!) as Record<string, unknown>;
  entry['actor'] = 'reader';
  writeFileSync(edited, [...lines.slice(0, at), JSON.stringify(entry), ...lines.slice(at + 1)].join('\n') + '\n');
  const bad = await cli(['audit', 'verify', edited, '--key', keyFile]);
  expectFail(bad, 2, 'ERR_AUDIT_LOG_INVALID', 'edited log');
  const truncated = join(tmp, 'audit-truncated.jsonl');
  writeFileSync(truncated, lines.slice(0, -1).join('\n') + '\n');
  expectFail(await cli(['audit', 'verify', truncated, '--key', keyFile, '--head-hash', verified['headHash'] as string]), 2, 'ERR_AUDIT_LOG_INVALID', 'truncated log');
});
