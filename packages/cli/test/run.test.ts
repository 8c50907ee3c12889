/**
 * `confide run` against a fake coordinator: simulated evidence bound to the client certificate,
 * a stable UUID, files/env/argv applied, exit codes and signals passed on, as a black box in a
 * process of its own wherever the program runs; refusals and usage errors, where the program
 * never starts, run in process.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { fixedClock } from '@confide/core';
import { emptyCollateral, parseSimEvidence, verifySimEvidence } from '@confide/evidence';
import { loadSimulationKey, type SimulationKey } from '@confide/launcher';
import { b64, refuse, startFakeCoordinator, success, type FakeCoordinator, type SeenRequest } from '@confide/test-kit/fake-coordinator';
import { freePort, type Run } from '@confide/test-kit/process';
import { launcherSetting, runLauncher, startLauncher } from './fixtures/launcher/spawn-launcher.js';
import { runInProcess } from './in-process.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/launcher');
const tmp = mkdtempSync(join(tmpdir(), 'confide-run-'));
const dataDir = join(tmp, 'coordinator-data');
let simKey: SimulationKey;
let coordinator: FakeCoordinator;

/** A fixture script copied into its own directory (so each test measures a file of its own). */
function script(name: string, dir = join(tmp, `bin-${Math.random().toString(36).slice(2)}`)): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  copyFileSync(join(FIXTURES, name), path);
  chmodSync(path, 0o755);
  return path;
}

function workdir(): string {
  return mkdtempSync(join(tmp, 'work-'));
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** Runs the launcher with the simulated TEE against the fake coordinator. */
function launch(cwd: string, command: string[], flags: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return runLauncher(['run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, ...flags, '--', ...command], env, cwd);
}

/**
 * `confide <args>` in this process, with `env` and none of this process's launcher settings: for
 * refusals and usage errors, where the program never starts and a process is not the point.
 */
function inProcess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const inherited = Object.keys(process.env).filter(launcherSetting);
  return runInProcess(args, { ...Object.fromEntries(inherited.map((k) => [k, undefined])), ...env });
}

/** As launch(), in process. */
function launchInProcess(command: string[], flags: string[] = []): Promise<Run> {
  return inProcess(['run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, ...flags, '--', ...command]);
}

function jsonError(r: Run): string {
  return (JSON.parse(r.stdout) as { error: { code: string } }).error.code;
}

/** Checks a request the way the coordinator does: sim evidence signed by the instance key, bound to the TLS client key. */
async function checkBinding(req: SeenRequest, expected: { uuid?: string; measurement?: Uint8Array } = {}): Promise<string> {
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/api/v2/marble/activate');
  assert.equal(req.contentType, 'application/json');
  assert.ok(req.clientCert, 'the launcher presents a client certificate');
  const cert = new x509.X509Certificate(req.clientCert);
  const spki = new Uint8Array(cert.publicKey.rawData);
  const uuid = req.body['uuid'] as string;
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(cert.subject, `CN=${uuid}`);
  if (expected.uuid) assert.equal(uuid, expected.uuid);
  assert.equal(req.body['tee'], 'sim');
  const view = parseSimEvidence(new Uint8Array(Buffer.from(req.body['evidence'] as string, 'base64')));
  const claims = await verifySimEvidence(view, {
    clock: fixedClock(new Date()),
    collateral: emptyCollateral,
    simulationKeys: [simKey.spki],
    expectedReportData: sha256(spki),
  });
  assert.equal(claims.reportData, sha256(spki).toString('hex') + '00'.repeat(32));
  if (expected.measurement) assert.equal(claims.measurement, Buffer.from(expected.measurement).toString('hex'));
  return uuid;
}

before(async () => {
  simKey = await loadSimulationKey(dataDir, { create: true });
  coordinator = await startFakeCoordinator();
});

after(async () => {
  await coordinator.close();
});

test('sim: the request carries evidence bound to the client certificate; files, env and args reach a shell script', async () => {
  const cwd = workdir();
  const program = script('show-marble.sh');
  const config = join(tmp, 'secrets-1', 'deep', 'config.txt');
  coordinator.requests.length = 0;
  coordinator.answer = () =>
    success({
      files: { [config]: b64('hello from the manifest'), 'rel/data.bin': b64(new Uint8Array([0, 1, 2, 255])) },
      env: { GREETING: b64('grüß dich'), CONFIG_FILE: b64(config) },
    });
  const r = await launch(cwd, [program, 'one', 'two'], ['--marble-type', 'backend', '--dns-names', 'backend, backend.svc,']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(coordinator.requests.length, 1);
  const req = coordinator.requests[0]!;
  await checkBinding(req, { measurement: sha256(readFileSync(program)) });
  assert.equal(req.body['marbleType'], 'backend');
  assert.deepEqual(req.body['dnsNames'], ['backend', 'backend.svc']);
  assert.deepEqual(
    r.stdout.trim().split('\n'),
    ['args=one two', 'GREETING=grüß dich', 'config=hello from the manifest', 'root=Uk9PVA=='],
  );
  assert.equal(statSync(config).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(config)).mode & 0o777, 0o700);
  assert.equal(statSync(join(tmp, 'secrets-1')).mode & 0o777, 0o700);
  assert.deepEqual([...readFileSync(join(cwd, 'rel', 'data.bin'))], [0, 1, 2, 255]);
  assert.equal(statSync(join(cwd, 'rel', 'data.bin')).mode & 0o777, 0o600);
});

test('sim: an interpreter and its script measure together, and `sim measure -- node script` prints that same value', async () => {
  const cwd = workdir();
  writeFileSync(join(cwd, 'server.mjs'), 'process.exit(0);\n');
  coordinator.requests.length = 0;
  coordinator.answer = () => success();
  const r = await launch(cwd, ['node', '--no-warnings', 'server.mjs'], ['--marble-type', 'interpreted']);
  assert.equal(r.code, 0, r.stderr);
  const node = (await import('node:child_process')).execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim();
  const expected = sha256(Buffer.concat([sha256(readFileSync(node)), sha256(readFileSync(join(cwd, 'server.mjs')))]));
  await checkBinding(coordinator.requests[0]!, { measurement: expected });
  const measured = await runLauncher(['--json', 'sim', 'measure', '--', 'node', '--no-warnings', 'server.mjs'], {}, cwd);
  assert.equal(measured.code, 0, measured.stderr);
  assert.equal(JSON.parse(measured.stdout).measurement, expected.toString('hex'));
  assert.equal(JSON.parse(measured.stdout).script, join(cwd, 'server.mjs'));
  // The script alone is another identity: the README's old `sim measure ./server.js` did not match.
  const scriptOnly = await runLauncher(['--json', 'sim', 'measure', './server.mjs'], {}, cwd);
  assert.notEqual(JSON.parse(scriptOnly.stdout).measurement, expected.toString('hex'));
});

test('sim: the UUID is created under the data directory, one per marble type and working directory (0600), never in the working directory, and kept across runs', async () => {
  const cwd = workdir();
  coordinator.requests.length = 0;
  coordinator.answer = () => success();
  const first = await launch(cwd, ['true'], ['--marble-type', 'uuid/keeper']);
  assert.equal(first.code, 0, first.stderr);
  const file = join(dataDir, 'marbles', 'uuid_keeper', `${createHash('sha256').update(cwd).digest('hex').slice(0, 16)}.uuid`);
  const stored = readFileSync(file, 'utf8');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(existsSync(join(cwd, 'uuid')), false);
  const second = await launch(cwd, ['true'], ['--marble-type', 'uuid/keeper']);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(coordinator.requests.length, 2);
  assert.equal(await checkBinding(coordinator.requests[0]!, { uuid: stored }), stored);
  assert.equal(await checkBinding(coordinator.requests[1]!, { uuid: stored }), stored);
  // Started from another directory, the same type is another marble.
  const elsewhere = await launch(workdir(), ['true'], ['--marble-type', 'uuid/keeper']);
  assert.equal(elsewhere.code, 0, elsewhere.stderr);
  assert.notEqual(await checkBinding(coordinator.requests[2]!), stored);
  // A fresh key per run: the binding is to this run's TLS key, not to the identity.
  assert.notDeepEqual(coordinator.requests[0]!.clientCert, coordinator.requests[1]!.clientCert);
});

test('sim: a Python marble checks its files, env and argv from the inside', async () => {
  const cwd = workdir();
  const program = script('check-marble.py');
  const a = join(tmp, 'py-secrets', 'a.txt');
  const b = join(tmp, 'py-secrets', 'sub', 'b.pem');
  const expect = { files: { [a]: 'alpha', [b]: '-----BEGIN X-----\nbeta\n' }, env: { API_KEY: 's3cr3t=', EMPTY: '' }, args: ['--from-manifest', 'x y'] };
  coordinator.answer = () =>
    success({
      files: { [a]: b64('alpha'), [b]: b64('-----BEGIN X-----\nbeta\n') },
      env: { API_KEY: b64('s3cr3t='), EMPTY: '', CHECK_EXPECT: b64(JSON.stringify(expect)) },
      argv: ['marble', '--from-manifest', 'x y'],
    });
  const r = await launch(cwd, [program, '--from-command-line'], ['--marble-type', 'py']);
  assert.equal(r.stdout.trim(), 'ok', r.stdout + r.stderr);
  assert.equal(r.code, 0);
});

test('sim: argv from the manifest replaces the whole command line, argv[0] included', async () => {
  const cwd = workdir();
  const code = 'console.log(JSON.stringify([process.argv0, ...process.argv.slice(1)]))';
  coordinator.answer = () => success({ argv: ['marble-node', '-e', code, 'from-manifest'] });
  // The program file stays the one measured and resolved from the command line.
  const r = await launch(cwd, [process.execPath, '-e', 'console.log("the command line was used")'], ['--marble-type', 'js']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['marble-node', 'from-manifest']);
});

test('sim: the program\'s exit code is the launcher\'s', async () => {
  coordinator.answer = () => success({ env: { MARBLE_EXIT: b64('7'), CONFIG_FILE: b64('/dev/null') } });
  const r = await launch(workdir(), [script('show-marble.sh')], ['--marble-type', 'backend']);
  assert.equal(r.code, 7);
});

test('sim: SIGTERM to the launcher reaches the program, which exits with its own code', async () => {
  coordinator.answer = () => success();
  const run = startLauncher(['run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'backend', '--', script('trap-term.sh')], {}, workdir());
  await run.waitFor('ready');
  run.child.kill('SIGTERM');
  const r = await run.done;
  assert.equal(r.code, 42, r.stderr);
  assert.match(r.stdout, /got TERM/);
});

test('sim: a program killed by a forwarded signal makes the launcher exit 128 + signal', async () => {
  coordinator.answer = () => success();
  for (const [signal, code] of [['SIGTERM', 143], ['SIGUSR1', 138], ['SIGHUP', 129]] as const) {
    const run = startLauncher(['run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'backend', '--', script('wait-for-signal.sh')], {}, workdir());
    await run.waitFor('ready');
    run.child.kill(signal);
    const r = await run.done;
    assert.equal(r.code, code, `${signal}: ${r.stderr}`);
  }
});

test('a refusal from the coordinator exits 2 with its code and message; the program does not run', async () => {
  const cwd = workdir();
  coordinator.answer = () => refuse(403, 'ERR_ACTIVATION_REFUSED', 'marble type "nope" is not in the manifest');
  const r = await launchInProcess(['touch', join(cwd, 'ran')], ['--marble-type', 'nope']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /marble type "nope" is not in the manifest \[ERR_ACTIVATION_REFUSED\]/);
  assert.equal(existsSync(join(cwd, 'ran')), false);

  coordinator.answer = () => refuse(409, 'ERR_MAX_ACTIVATIONS', 'backend reached MaxActivations 1');
  const json = await inProcess(['--json', 'run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'backend', '--', 'true']);
  assert.equal(json.code, 2);
  assert.equal(jsonError(json), 'ERR_MAX_ACTIVATIONS');

  // A code this launcher does not know is kept in the message under ERR_ACTIVATION_REFUSED.
  coordinator.answer = () => refuse(403, 'ERR_FROM_THE_FUTURE', 'no');
  const unknown = await inProcess(['--json', 'run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'backend', '--', 'true']);
  assert.equal(unknown.code, 2);
  assert.equal(jsonError(unknown), 'ERR_ACTIVATION_REFUSED');
});

test('an unreachable coordinator, a server failure and an answer outside the protocol exit 3', async () => {
  const cwd = workdir();
  const port = await freePort();
  const down = await inProcess(['--json', 'run', '--coordinator', `127.0.0.1:${port}`, '--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'backend', '--', 'true']);
  assert.equal(down.code, 3);
  assert.equal(jsonError(down), 'ERR_ACTIVATION_FAILED');

  coordinator.answer = () => ({ status: 500, body: { status: 'error', message: 'store unavailable' } });
  const failed = await launchInProcess(['true'], ['--marble-type', 'backend']);
  assert.equal(failed.code, 3);
  assert.match(failed.stderr, /store unavailable \[ERR_ACTIVATION_FAILED\]/);

  // An environment value must be UTF-8 without NUL: nothing is written, nothing runs.
  const file = join(cwd, 'never-written');
  for (const bad of [b64(new Uint8Array([0xff, 0xfe])), b64('a\0b'), 'not base64!']) {
    coordinator.answer = () => success({ files: { [file]: b64('x') }, env: { BAD: bad } });
    const r = await inProcess(['--json', 'run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'backend', '--', 'touch', join(cwd, 'ran')]);
    assert.equal(r.code, 3);
    assert.equal(jsonError(r), 'ERR_ACTIVATION_FAILED');
  }
  assert.equal(existsSync(file), false);
  assert.equal(existsSync(join(cwd, 'ran')), false);
});

test('EDG_MARBLE_* variables configure the launcher; flags win', async () => {
  const cwd = workdir();
  coordinator.requests.length = 0;
  coordinator.answer = () => success();
  const env = {
    EDG_MARBLE_TYPE: 'from-env',
    EDG_MARBLE_COORDINATOR_ADDR: coordinator.addr,
    EDG_MARBLE_DNS_NAMES: 'env-a,env-b',
    EDG_MARBLE_UUID_FILE: join(cwd, 'state', 'marble-uuid'),
    CONFIDE_TEE: 'sim',
    CONFIDE_DATA_DIR: dataDir,
  };
  const byEnv = await runLauncher(['run', '--', 'true'], env, cwd);
  assert.equal(byEnv.code, 0, byEnv.stderr);
  const byFlags = await runLauncher(['run', '--marble-type', 'from-flag', '--dns-names', 'flag-a', '--uuid-file', join(cwd, 'other-uuid'), '--', 'true'], env, cwd);
  assert.equal(byFlags.code, 0, byFlags.stderr);
  const [first, second] = coordinator.requests;
  const envUuid = readFileSync(join(cwd, 'state', 'marble-uuid'), 'utf8');
  assert.deepEqual({ ...first!.body, evidence: undefined }, { marbleType: 'from-env', uuid: envUuid, tee: 'sim', dnsNames: ['env-a', 'env-b'], evidence: undefined });
  assert.equal(statSync(join(cwd, 'state')).mode & 0o777, 0o700);
  assert.equal(second!.body['marbleType'], 'from-flag');
  assert.deepEqual(second!.body['dnsNames'], ['flag-a']);
  assert.equal(second!.body['uuid'], readFileSync(join(cwd, 'other-uuid'), 'utf8'));
});

test('--measurement replaces the program hash in simulated evidence', async () => {
  coordinator.requests.length = 0;
  coordinator.answer = () => success();
  const r = await launch(workdir(), ['true'], ['--marble-type', 'backend', '--measurement', 'ab'.repeat(32)]);
  assert.equal(r.code, 0, r.stderr);
  await checkBinding(coordinator.requests[0]!, { measurement: Buffer.alloc(32, 0xab) });
});

test('production mode refuses --tee sim before anything else happens', async () => {
  coordinator.requests.length = 0;
  const ways: Array<{ flags: string[]; env: Record<string, string> }> = [{ flags: ['--mode', 'production'], env: {} }, { flags: [], env: { CONFIDE_MODE: 'production' } }];
  for (const how of ways) {
    const r = await inProcess(['--json', 'run', '--coordinator', coordinator.addr, '--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'refused', ...how.flags, '--', 'true'], how.env);
    assert.equal(r.code, 1);
    assert.equal(jsonError(r), 'ERR_PRODUCTION_REFUSED');
  }
  assert.equal(coordinator.requests.length, 0);
  assert.equal(existsSync(join(dataDir, 'marbles', 'refused')), false);
});

test('usage errors exit 1: no marble type, unknown program, bad measurement, --measurement without sim, no sim key', async () => {
  const cases: Array<[string[], string]> = [
    [['--tee', 'sim', '--data-dir', dataDir, '--', 'true'], 'ERR_USAGE'],
    [['--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'b', '--', 'no-such-program-anywhere'], 'ERR_INPUT_UNREADABLE'],
    [['--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'b', '--measurement', 'abcd', '--', 'true'], 'ERR_USAGE'],
    [['--tee', 'sgx', '--marble-type', 'b', '--measurement', 'ab'.repeat(32), '--', 'true'], 'ERR_USAGE'],
    [['--tee', 'sim', '--data-dir', join(tmp, 'no-such-data-dir'), '--marble-type', 'b', '--', 'true'], 'ERR_INPUT_UNREADABLE'],
    [['--tee', 'sim', '--data-dir', dataDir, '--marble-type', 'b', '--coordinator', 'https://host/path', '--', 'true'], 'ERR_USAGE'],
  ];
  for (const [args, code] of cases) {
    const r = await inProcess(['--json', 'run', '--coordinator', coordinator.addr, ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(jsonError(r), code, args.join(' '));
  }
  assert.equal(existsSync(join(tmp, 'no-such-data-dir')), false);
});

test('--tee auto with no TEE interface fails (exit 3) and says to pass --tee sim for development', async () => {
  const empty = mkdtempSync(join(tmp, 'no-tee-'));
  const r = await inProcess(['--json', 'run', '--coordinator', coordinator.addr, '--marble-type', 'b', '--', 'true'], {
    CONFIDE_ATTESTATION_DIR: join(empty, 'attestation'),
    CONFIDE_TSM_REPORT_DIR: join(empty, 'tsm', 'report'),
  });
  assert.equal(r.code, 3);
  const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
  assert.equal(err.code, 'ERR_TEE_UNAVAILABLE');
  assert.match(err.message, /--tee sim/);
});

test('sgx through a fake Gramine /dev/attestation: user_report_data gets the binding, the quote is the evidence', async () => {
  const dev = mkdtempSync(join(tmp, 'gramine-'));
  const quote = new Uint8Array(1000).map((_, i) => (i * 7) & 0xff);
  writeFileSync(join(dev, 'attestation_type'), 'dcap');
  writeFileSync(join(dev, 'user_report_data'), new Uint8Array(64));
  writeFileSync(join(dev, 'quote'), quote);
  coordinator.requests.length = 0;
  coordinator.answer = () => success();
  for (const tee of ['sgx', 'auto']) {
    const r = await runLauncher(['run', '--coordinator', coordinator.addr, '--tee', tee, '--marble-type', 'enclave', '--', 'true'], { CONFIDE_ATTESTATION_DIR: dev }, workdir());
    assert.equal(r.code, 0, r.stderr);
    const req = coordinator.requests.at(-1)!;
    assert.equal(req.body['tee'], 'sgx');
    assert.deepEqual(Buffer.from(req.body['evidence'] as string, 'base64'), Buffer.from(quote));
    const spki = new Uint8Array(new x509.X509Certificate(req.clientCert!).publicKey.rawData);
    assert.deepEqual(readFileSync(join(dev, 'user_report_data')), Buffer.concat([sha256(spki), Buffer.alloc(32)]));
  }

  writeFileSync(join(dev, 'attestation_type'), 'none');
  const none = await inProcess(['--json', 'run', '--coordinator', coordinator.addr, '--tee', 'sgx', '--marble-type', 'enclave', '--', 'true'], {
    CONFIDE_ATTESTATION_DIR: dev,
    // The UUID file goes under a scratch data directory, not under this process's working directory.
    CONFIDE_DATA_DIR: join(dev, 'data'),
  });
  assert.equal(none.code, 3);
  assert.equal(jsonError(none), 'ERR_TEE_UNAVAILABLE');
});
