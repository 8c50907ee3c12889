import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@confide/test-kit/process';
import { vectorPath as v, vectorsMissing as skip } from '@confide/test-kit/vectors';
import { runInProcess } from './in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'confide-verify-'));

const SGX = v('sgx/phala-dcap-qvl/sgx_quote');
const SGX_COLL = v('sgx/phala-dcap-qvl/sgx_quote_collateral.json');
const SGX_AT = '2025-06-19T11:56:11Z';

// The built binary once, as a user runs it; the other cases run the same command in process.
test('verify: a real SGX quote is authentic, with its TCB status (exit 0, --json claims)', { skip }, async () => {
  const r = await runCli(['--json', 'verify', SGX, '--collateral', SGX_COLL, '--at', SGX_AT]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.equal(out.claims.tee, 'sgx');
  assert.equal(out.claims.tcbStatus, 'ConfigurationAndSWHardeningNeeded');
  assert.deepEqual(out.claims.advisoryIds, ['INTEL-SA-00289', 'INTEL-SA-00615']);
  assert.equal(out.claims.measurement, '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb');
  assert.equal(out.claims.collateralExpired, false);
});

test('verify: the readable summary names status and advisories', { skip }, async () => {
  const r = await runInProcess(['verify', SGX, '--collateral', SGX_COLL, '--at', SGX_AT]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Authentic sgx evidence\./);
  assert.match(r.stdout, /tcb status\s+ConfigurationAndSWHardeningNeeded/);
  assert.match(r.stdout, /advisories\s+INTEL-SA-00289, INTEL-SA-00615/);
});

test('verify: hex and base64 copies of the quote verify the same', { skip }, async () => {
  const bytes = readFileSync(SGX);
  const hex = join(tmp, 'quote.hex');
  const b64 = join(tmp, 'quote.b64');
  writeFileSync(hex, bytes.toString('hex') + '\n');
  writeFileSync(b64, bytes.toString('base64'));
  for (const file of [hex, b64]) {
    const r = await runInProcess(['--json', 'verify', file, '--collateral', SGX_COLL, '--at', SGX_AT, '--tee', 'sgx']);
    assert.equal(r.code, 0, `${file}: ${r.stdout}`);
    assert.equal(JSON.parse(r.stdout).claims.tcbStatus, 'ConfigurationAndSWHardeningNeeded');
  }
});

test('verify: a flipped bit in the signed body exits 2 with ERR_EVIDENCE_SIGNATURE_INVALID', { skip }, async () => {
  const bytes = readFileSync(SGX);
  bytes.writeUInt8(bytes.readUInt8(48 + 64) ^ 0x01, 48 + 64); // inside the enclave report body (MRENCLAVE)
  const bad = join(tmp, 'flipped.bin');
  writeFileSync(bad, bytes);
  const r = await runInProcess(['--json', 'verify', bad, '--collateral', SGX_COLL, '--at', SGX_AT]);
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).error.code, 'ERR_EVIDENCE_SIGNATURE_INVALID');
});

test('verify: --report-data demands a binding', { skip }, async () => {
  const good = await runInProcess(['--json', 'verify', SGX, '--collateral', SGX_COLL, '--at', SGX_AT, '--report-data', Buffer.from('Hello, world!').toString('hex')]);
  assert.equal(good.code, 0, good.stdout);
  const bad = await runInProcess(['--json', 'verify', SGX, '--collateral', SGX_COLL, '--at', SGX_AT, '--report-data', 'aabbcc']);
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.stdout).error.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
});

test('verify: a SEV-SNP report with its VCEK; the TEE named wrongly is refused', { skip }, async () => {
  const report = v('sev-snp/project-oak/genoa_snp_report.bin');
  const vcek = v('sev-snp/project-oak/genoa_vcek.der');
  const r = await runInProcess(['--json', 'verify', report, '--collateral', vcek, '--at', '2026-01-01T00:00:00Z']);
  assert.equal(r.code, 0, r.stdout);
  const claims = JSON.parse(r.stdout).claims;
  assert.equal(claims.tee, 'sev-snp');
  assert.match(claims.measurement, /^c5772901/);
  const wrong = await runInProcess(['--json', 'verify', report, '--collateral', vcek, '--tee', 'sgx']);
  assert.equal(wrong.code, 2);
  assert.equal(JSON.parse(wrong.stdout).error.code, 'ERR_EVIDENCE_UNSUPPORTED');
});

test('verify: missing collateral exits 2 with ERR_COLLATERAL_MISSING', { skip }, async () => {
  const r = await runInProcess(['--json', 'verify', SGX, '--at', SGX_AT]);
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).error.code, 'ERR_COLLATERAL_MISSING');
});

test('verify: --roots replaces the pinned roots; production mode refuses it', { skip }, async () => {
  const sample = v('sgx/intel-dcap-sampledata/QuoteVerification-sampleData');
  const pinned = await runInProcess(['--json', 'verify', join(sample, 'quote.dat'), '--collateral', SGX_COLL]);
  assert.equal(JSON.parse(pinned.stdout).error.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  const roots = join(tmp, 'roots');
  mkdirSync(roots);
  copyFileSync(join(sample, 'trustedRootCaCert.pem'), join(roots, 'root.pem'));
  const replaced = await runInProcess(['--json', 'verify', join(sample, 'quote.dat'), '--collateral', SGX_COLL, '--roots', roots]);
  assert.notEqual(JSON.parse(replaced.stdout).error?.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT', 'the sample chain must pass under its own root');
  const prod = await runInProcess(['--json', 'verify', join(sample, 'quote.dat'), '--roots', roots], { CONFIDE_MODE: 'production' });
  assert.equal(prod.code, 1);
  assert.equal(JSON.parse(prod.stdout).error.code, 'ERR_PRODUCTION_REFUSED');
});

test('verify: usage errors and non-evidence input exit 1 (in process)', async () => {
  const noFile = await runInProcess(['--json', 'verify', join(tmp, 'absent.bin')]);
  assert.equal(noFile.code, 1);
  assert.equal(JSON.parse(noFile.stdout).error.code, 'ERR_INPUT_UNREADABLE');
  const badAt = await runInProcess(['--json', 'verify', join(tmp, 'absent.bin'), '--at', 'yesterday']);
  assert.equal(badAt.code, 1);
  assert.equal(JSON.parse(badAt.stdout).error.code, 'ERR_USAGE');
  const badHex = await runInProcess(['--json', 'verify', join(tmp, 'absent.bin'), '--report-data', 'xyz']);
  assert.equal(badHex.code, 1);
  const badTee = await runInProcess(['verify', join(tmp, 'absent.bin'), '--tee', 'nitro']);
  assert.equal(badTee.code, 1);
  const garbage = join(tmp, 'garbage.bin');
  writeFileSync(garbage, 'this is not evidence at all');
  const notEvidence = await runInProcess(['--json', 'verify', garbage]);
  assert.equal(notEvidence.code, 1);
  assert.equal(JSON.parse(notEvidence.stdout).error.code, 'ERR_INPUT_UNREADABLE');
});
