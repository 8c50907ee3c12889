import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runCli, type Run } from '@confide/test-kit/process';
import { runInProcess } from './in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'confide-sim-cli-'));
const dataDir = join(tmp, 'instance');
const otherDir = join(tmp, 'other');
const MEASUREMENT = 'aa'.repeat(32);
const SIGNER = '5e'.repeat(32);
// Without these the sim commands would take the caller's environment.
const ENV = { CONFIDE_MODE: 'dev', CONFIDE_DATA_DIR: join(tmp, 'env-default') };

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runCli(args, { ...ENV, ...env });
}

/** The members these tests read from the commands' --json output. */
interface JsonOut {
  ok: boolean;
  error: { code: string };
  claims: { measurement: string; sim: { issuedAt: string; keyId: string } } & Record<string, unknown>;
  publicKey: string;
  keyId: string;
  path: string;
  created: boolean;
  evidence: string;
  encoding: string;
}

function json(r: Run): JsonOut {
  return JSON.parse(r.stdout) as JsonOut;
}

function errorCode(r: Run): string {
  return json(r).error.code;
}

async function quote(file: string, extra: string[] = [], dir = dataDir): Promise<void> {
  const r = await cli(['--json', 'sim', 'quote', '--measurement', MEASUREMENT, '--report-data', 'c0ffee', '--data-dir', dir, '--out', file, ...extra]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
}

test('sim key: prints the instance public key (PEM) and writes it beside the private key', async () => {
  const r = await cli(['--json', 'sim', 'key', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const out = json(r);
  assert.equal(out.ok, true);
  assert.equal(out.created, true);
  assert.match(out.publicKey, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(out.path, join(dataDir, 'sim', 'simulation-key.pub.pem'));
  assert.equal(readFileSync(out.path, 'utf8'), out.publicKey);
  const der = Buffer.from(out.publicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  assert.equal(out.keyId, createHash('sha256').update(der).digest('hex'));

  const human = await cli(['sim', 'key', '--data-dir', dataDir]);
  assert.equal(human.code, 0);
  assert.equal(human.stdout.trim(), out.publicKey.trim());
});

test('sim quote -> verify --sim-key: exact claims back (exit 0)', async () => {
  const file = join(tmp, 'full.bin');
  await quote(file, ['--signer', SIGNER, '--product-id', '513', '--svn', '9', '--debug']);
  const bytes = readFileSync(file);
  assert.equal(bytes.length, 256);
  assert.equal(bytes.subarray(0, 11).toString('latin1'), 'CONFIDE-SIM');
  const key = json(await cli(['--json', 'sim', 'key', '--data-dir', dataDir]));
  const pem = join(tmp, 'instance.pub.pem');
  writeFileSync(pem, key.publicKey);

  const r = await cli(['--json', 'verify', file, '--sim-key', pem, '--at', '2030-01-01T00:00:00Z']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const { claims } = json(r);
  const issuedAt = claims.sim.issuedAt;
  assert.ok(Math.abs(Date.parse(issuedAt) - Date.now()) < 60_000, issuedAt);
  assert.deepEqual(claims, {
    tee: 'sim',
    debug: true,
    measurement: MEASUREMENT,
    signer: SIGNER,
    productId: 513,
    svn: 9,
    reportData: 'c0ffee' + '00'.repeat(61),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    collateralExpired: false,
    expiredCollateral: [],
    verifiedAt: '2030-01-01T00:00:00.000Z',
    sim: { issuedAt, keyId: key.keyId },
  });
  const human = await cli(['verify', file, '--sim-key', pem, '--tee', 'sim']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^Authentic sim evidence\./);
  assert.match(human.stderr, /development only/);
});

test('sim quote: base64 on standard output by default, hex with --json; verify --data-dir takes the instance key', async () => {
  const r = await cli(['sim', 'quote', '--measurement', MEASUREMENT, '--report-data', '01', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const b64 = join(tmp, 'stdout.b64');
  writeFileSync(b64, r.stdout);
  assert.equal(Buffer.from(r.stdout.trim(), 'base64').length, 256);
  const v = await cli(['--json', 'verify', b64, '--data-dir', dataDir, '--report-data', '01']);
  assert.equal(v.code, 0, v.stdout);
  assert.equal(json(v).claims.measurement, MEASUREMENT);

  const h = await cli(['--json', 'sim', 'quote', '--measurement', MEASUREMENT, '--report-data', '02', '--data-dir', dataDir, '--encoding', 'hex']);
  assert.equal(h.code, 0, h.stdout);
  const out = json(h);
  assert.equal(out.encoding, 'hex');
  assert.match(out.evidence, /^434f4e464944452d53494d01[0-9a-f]{488}$/);
  const hex = join(tmp, 'json.hex');
  writeFileSync(hex, out.evidence);
  assert.equal((await cli(['verify', hex, '--data-dir', dataDir])).code, 0);
});

test('sim quote: CONFIDE_DATA_DIR is the default data directory', async () => {
  const envDir = join(tmp, 'from-env');
  const r = await cli(['--json', 'sim', 'quote', '--measurement', MEASUREMENT, '--report-data', '01', '--out', join(tmp, 'env.bin')], { CONFIDE_DATA_DIR: envDir });
  assert.equal(r.code, 0, r.stdout);
  assert.ok(existsSync(join(envDir, 'sim', 'simulation-key.pem')));
  assert.equal((await cli(['verify', join(tmp, 'env.bin'), '--data-dir', envDir])).code, 0);
});

test('verify sim evidence: no key, another instance key, tampering, wrong binding all exit 2 with their codes', async () => {
  const file = join(tmp, 'plain.bin');
  await quote(file);
  const none = await cli(['--json', 'verify', file]);
  assert.equal(none.code, 2);
  assert.equal(errorCode(none), 'ERR_EVIDENCE_UNTRUSTED_ROOT');

  const otherKey = json(await cli(['--json', 'sim', 'key', '--data-dir', otherDir]));
  const otherPem = join(tmp, 'other.pub.pem');
  writeFileSync(otherPem, otherKey.publicKey);
  const foreign = await cli(['--json', 'verify', file, '--sim-key', otherPem]);
  assert.equal(foreign.code, 2);
  assert.equal(errorCode(foreign), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  // Both keys trusted: it verifies.
  assert.equal((await cli(['verify', file, '--sim-key', otherPem, '--data-dir', dataDir])).code, 0);

  const bytes = readFileSync(file);
  bytes[0x2c]! ^= 0x01; // first measurement byte
  const tampered = join(tmp, 'tampered.bin');
  writeFileSync(tampered, bytes);
  const t = await cli(['--json', 'verify', tampered, '--data-dir', dataDir]);
  assert.equal(t.code, 2);
  assert.equal(errorCode(t), 'ERR_EVIDENCE_SIGNATURE_INVALID');

  const bound = await cli(['--json', 'verify', file, '--data-dir', dataDir, '--report-data', 'c0ffef']);
  assert.equal(bound.code, 2);
  assert.equal(errorCode(bound), 'ERR_EVIDENCE_BINDING_MISMATCH');

  const truncated = join(tmp, 'truncated.bin');
  writeFileSync(truncated, readFileSync(file).subarray(0, 200));
  const tr = await cli(['--json', 'verify', truncated, '--data-dir', dataDir]);
  assert.equal(tr.code, 2);
  assert.equal(errorCode(tr), 'ERR_EVIDENCE_MALFORMED');
});

test('verify: an unreadable or non-P-256 --sim-key, or a data dir without a key, exits 1', async () => {
  const file = join(tmp, 'for-keys.bin');
  await quote(file);
  const notKey = join(tmp, 'not-a-key.pem');
  writeFileSync(notKey, 'hello\n');
  const r1 = await cli(['--json', 'verify', file, '--sim-key', notKey]);
  assert.equal(r1.code, 1);
  assert.equal(errorCode(r1), 'ERR_INPUT_UNREADABLE');
  const r2 = await cli(['--json', 'verify', file, '--data-dir', join(tmp, 'no-such-instance')]);
  assert.equal(r2.code, 1);
  assert.equal(errorCode(r2), 'ERR_INPUT_UNREADABLE');
  assert.equal(existsSync(join(tmp, 'no-such-instance', 'sim', 'simulation-key.pem')), false);
});

test('sim measure: SHA-256 of the file; a bare name is resolved through PATH', async () => {
  const bin = join(tmp, 'bin');
  mkdirSync(bin);
  const program = join(bin, 'my-marble');
  writeFileSync(program, '#!/bin/sh\necho hello\n');
  chmodSync(program, 0o755);
  const expected = createHash('sha256').update(readFileSync(program)).digest('hex');

  const byPath = await cli(['sim', 'measure', program]);
  assert.equal(byPath.code, 0, byPath.stderr);
  assert.equal(byPath.stdout, expected + '\n');

  const byName = await cli(['--json', 'sim', 'measure', 'my-marble'], { PATH: `${join(tmp, 'nothing-here')}${delimiter}${bin}${delimiter}${process.env['PATH'] ?? ''}` });
  assert.equal(byName.code, 0, byName.stdout);
  assert.deepEqual(json(byName), { ok: true, program: 'my-marble', path: program, measurement: expected });

  const missing = await cli(['--json', 'sim', 'measure', 'no-such-program-confide'], { PATH: bin });
  assert.equal(missing.code, 1);
  assert.equal(errorCode(missing), 'ERR_INPUT_UNREADABLE');
});

test('sim: every command refuses production mode (flag or CONFIDE_MODE) with ERR_PRODUCTION_REFUSED, exit 1', async () => {
  const pem = join(dataDir, 'sim', 'simulation-key.pub.pem');
  const file = join(tmp, 'prod.bin');
  await quote(file);
  const commands: string[][] = [
    ['sim', 'quote', '--measurement', MEASUREMENT, '--report-data', '01', '--data-dir', dataDir],
    ['sim', 'measure', 'node'],
    ['sim', 'key', '--data-dir', dataDir],
    ['verify', file, '--sim-key', pem],
    ['verify', file, '--data-dir', dataDir],
  ];
  for (const args of commands) {
    const flag = await cli(['--json', ...args, '--mode', 'production']);
    assert.equal(flag.code, 1, `${args.join(' ')}: ${flag.stdout}`);
    assert.equal(errorCode(flag), 'ERR_PRODUCTION_REFUSED');
    const env = await cli(['--json', ...args], { CONFIDE_MODE: 'production' });
    assert.equal(env.code, 1, `${args.join(' ')}: ${env.stdout}`);
    assert.equal(errorCode(env), 'ERR_PRODUCTION_REFUSED');
  }
  const prodDir = join(tmp, 'prod-instance');
  await cli(['sim', 'key', '--data-dir', prodDir, '--mode', 'production']);
  assert.equal(existsSync(prodDir), false);
});

test('sim quote: bad arguments exit 1 with ERR_USAGE (in process)', async () => {
  const cases: string[][] = [
    ['--measurement', 'aa', '--report-data', '01'],
    ['--measurement', 'zz'.repeat(32), '--report-data', '01'],
    ['--measurement', MEASUREMENT, '--report-data', '00'.repeat(65)],
    ['--measurement', MEASUREMENT, '--report-data', '01', '--svn', '65536'],
    ['--measurement', MEASUREMENT, '--report-data', '01', '--product-id', '-1'],
    ['--measurement', MEASUREMENT, '--report-data', '01', '--signer', '00'],
    ['--measurement', MEASUREMENT, '--report-data', '01', '--encoding', 'binary'],
  ];
  for (const args of cases) {
    const r = await runInProcess(['--json', 'sim', 'quote', '--data-dir', dataDir, ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(errorCode(r), 'ERR_USAGE', args.join(' '));
  }
  const missing = await runInProcess(['sim', 'quote', '--measurement', MEASUREMENT, '--data-dir', dataDir]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--report-data/);
});

test('sim: help for sim, quote, measure and key; verify help names --sim-key (in process)', async () => {
  const sim = await runInProcess(['sim', '--help']);
  assert.equal(sim.code, 0);
  for (const sub of ['quote', 'measure', 'key']) assert.match(sim.stdout, new RegExp(`\\b${sub}\\b`));
  for (const [sub, flag] of [['quote', '--report-data'], ['measure', '<command...>'], ['key', '--data-dir']] as const) {
    const r = await runInProcess(['sim', sub, '--help']);
    assert.equal(r.code, 0);
    assert.ok(r.stdout.includes(flag), `${sub} --help lacks ${flag}`);
    assert.match(r.stdout, /--mode/);
  }
  const verify = await runInProcess(['verify', '--help']);
  assert.match(verify.stdout, /--sim-key/);
});
