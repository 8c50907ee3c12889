/** `confide verify --tee tpm` on the real TPM vectors (../shared/vectors/tpm), in process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorPath as v, vectorsMissing as skip } from '@confide/test-kit/vectors';
import { runInProcess } from './in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'confide-verify-tpm-'));

const GCE = v('tpm/google-go-tpm-tools');
const DEC = join(GCE, 'decoded-gce-cos-85-nonce9009');
const AT = '2026-06-01T00:00:00Z';

/** The sha256 quote's PCR values as --pcrs JSON. */
function pcrsFile(): string {
  const decoded = JSON.parse(readFileSync(join(DEC, 'decoded.json'), 'utf8')) as { quotes: Array<{ hash_alg: string; pcrs: Record<string, string> }> };
  const file = join(tmp, 'pcrs.json');
  writeFileSync(file, JSON.stringify({ sha256: decoded.quotes.find((q) => q.hash_alg === 'sha256')!.pcrs }));
  return file;
}

const partsArgs = () => [
  'verify',
  join(DEC, 'quote_sha256.tpms_attest.bin'),
  '--tee',
  'tpm',
  '--signature',
  join(DEC, 'quote_sha256.tpmt_signature.bin'),
  '--ak',
  join(DEC, 'ak_pub.tpm2b_public_area.bin'),
  '--pcrs',
  pcrsFile(),
  '--at',
  AT,
];

test('verify --tee tpm: a GCE quote from its parts, with the event log, AK chain and nonce (exit 0)', { skip }, async () => {
  const r = await runInProcess([
    '--json',
    ...partsArgs(),
    '--event-log',
    join(DEC, 'event_log.bin'),
    '--ak-cert',
    join(DEC, 'ak_cert.der'),
    '--ak-cert',
    join(GCE, 'tpm_ek_intermediate_2.crt'),
    '--tpm-root',
    join(GCE, 'tpm_ek_root_1.cer'),
    '--nonce',
    '9009',
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const claims = JSON.parse(r.stdout).claims;
  assert.equal(claims.tee, 'tpm');
  assert.equal(claims.tpm.nonce, '9009');
  assert.equal(claims.tpm.ak.certified, true);
  assert.deepEqual(claims.tpm.eventLog.replayed, { sha256: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  assert.equal(claims.tpm.eventLog.secureBoot, true);
});

test('verify --tee tpm: the readable summary names the quotes, PCRs and event log', { skip }, async () => {
  const r = await runInProcess([...partsArgs(), '--event-log', join(DEC, 'event_log.bin')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Authentic tpm evidence\./);
  assert.match(r.stdout, /quotes\s+rsassa-sha256/);
  assert.match(r.stdout, /secure boot\s+true/);
  assert.match(r.stdout, /ak\s+rsa-2048 \(tpmt-public\), no certificate/);
});

test('verify: TPM evidence JSON is recognised without --tee (Trustee, go-attestation)', { skip }, async () => {
  for (const file of ['tpm/trustee/tpm_evidence.json', 'tpm/google-go-attestation/windows_gcp_shielded_vm.json']) {
    const r = await runInProcess(['--json', 'verify', v(file)]);
    assert.equal(r.code, 0, `${file}: ${r.stdout}`);
    assert.equal(JSON.parse(r.stdout).claims.tee, 'tpm');
  }
});

test('verify --tee tpm: a wrong nonce, a flipped PCR and an unpinned AK root exit 2 with their codes', { skip }, async () => {
  const wrongNonce = await runInProcess(['--json', ...partsArgs(), '--nonce', '9008']);
  assert.equal(wrongNonce.code, 2);
  assert.equal(JSON.parse(wrongNonce.stdout).error.code, 'ERR_EVIDENCE_BINDING_MISMATCH');

  const pcrs = JSON.parse(readFileSync(pcrsFile(), 'utf8'));
  pcrs.sha256['7'] = pcrs.sha256['7'].replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
  const bad = join(tmp, 'bad-pcrs.json');
  writeFileSync(bad, JSON.stringify(pcrs));
  const args = partsArgs();
  args[args.indexOf('--pcrs') + 1] = bad;
  const flipped = await runInProcess(['--json', ...args]);
  assert.equal(flipped.code, 2);
  assert.equal(JSON.parse(flipped.stdout).error.code, 'ERR_EVIDENCE_BINDING_MISMATCH');

  const unpinned = await runInProcess(['--json', ...partsArgs(), '--ak-cert', join(DEC, 'ak_cert.der'), '--ak-cert', join(GCE, 'tpm_ek_intermediate_2.crt')]);
  assert.equal(unpinned.code, 2);
  assert.equal(JSON.parse(unpinned.stdout).error.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
});

test('verify: a TPMS_ATTEST without its parts and TPM flags with another TEE are usage errors (exit 1)', { skip }, async () => {
  const bare = await runInProcess(['--json', 'verify', join(DEC, 'quote_sha256.tpms_attest.bin'), '--tee', 'tpm']);
  assert.equal(bare.code, 1);
  assert.equal(JSON.parse(bare.stdout).error.code, 'ERR_USAGE');
  const auto = await runInProcess(['--json', 'verify', join(DEC, 'quote_sha256.tpms_attest.bin')]);
  assert.equal(auto.code, 1);
  assert.equal(JSON.parse(auto.stdout).error.code, 'ERR_USAGE');
  const sgx = await runInProcess(['--json', 'verify', v('sgx/phala-dcap-qvl/sgx_quote'), '--pcrs', join(tmp, 'pcrs.json')]);
  assert.equal(sgx.code, 1);
  assert.equal(JSON.parse(sgx.stdout).error.code, 'ERR_USAGE');
});
