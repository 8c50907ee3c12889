/** `confide verify` on NVIDIA GPU and NVSwitch evidence (in process): raw reports with --chain, PPCIe lists, --nonce. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorPath as v, vectorsMissing as skip } from '@confide/test-kit/vectors';
import { runInProcess } from './in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'confide-verify-nvidia-'));

const REPORT = v('nvidia/nvtrust/hopperAttestationReport.txt');
const CHAIN = v('nvidia/nvtrust/hopperCertChain.txt');
const NONCE = '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb';
const AT = '2025-06-01T00:00:00Z';

test('verify: an H100 report (hex) with --chain and --nonce is authentic; the summary names device, driver and VBIOS', { skip }, async () => {
  const json = await runInProcess(['--json', 'verify', REPORT, '--chain', CHAIN, '--nonce', NONCE, '--at', AT]);
  assert.equal(json.code, 0, json.stdout + json.stderr);
  const claims = JSON.parse(json.stdout).claims;
  assert.equal(claims.tee, 'nvidia');
  assert.equal(claims.nvidia.driverVersion, '550.90.07');
  assert.equal(claims.reportData, NONCE);
  const human = await runInProcess(['verify', REPORT, '--chain', CHAIN, '--at', AT, '--tee', 'nvidia']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^Authentic nvidia evidence\./);
  assert.match(human.stdout, /device\s+gpu \(GH100 A01 GSP FMC LF\)/);
  assert.match(human.stdout, /driver\s+550\.90\.07/);
  assert.match(human.stdout, /vbios\s+96\.00\.9f\.00\.01/);
});

test('verify: an H100 report without its chain exits 2 with ERR_COLLATERAL_MISSING and the --chain hint; another nonce exits 2', { skip }, async () => {
  const missing = await runInProcess(['--json', 'verify', REPORT, '--at', AT]);
  assert.equal(missing.code, 2);
  const error = JSON.parse(missing.stdout).error;
  assert.equal(error.code, 'ERR_COLLATERAL_MISSING');
  assert.match(error.message, /--chain/);
  const wrong = await runInProcess(['--json', 'verify', REPORT, '--chain', CHAIN, '--at', AT, '--nonce', '00'.repeat(32)]);
  assert.equal(wrong.code, 2);
  assert.equal(JSON.parse(wrong.stdout).error.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
});

test('verify: the PPCIe lists verify as a set (8 GPUs, 4 NVSwitches) against their nonce', { skip }, async () => {
  for (const [file, count] of [
    ['ppcie_gpu_evidence.json', 8],
    ['ppcie_switch_evidence.json', 4],
  ] as const) {
    const path = v(`nvidia/nvtrust/${file}`);
    const nonce = (JSON.parse(readFileSync(path, 'utf8')) as Array<{ nonce: string }>)[0]!.nonce;
    for (const tee of ['auto', 'nvidia']) {
      const r = await runInProcess(['--json', 'verify', path, '--nonce', nonce, '--at', AT, '--tee', tee]);
      assert.equal(r.code, 0, `${file}: ${r.stdout}`);
      const out = JSON.parse(r.stdout);
      assert.equal(out.devices.length, count);
      assert.ok(out.devices.every((d: { reportData: string }) => d.reportData === nonce));
    }
    const human = await runInProcess(['verify', path, '--at', AT]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`^Device ${count - 1}: Authentic nvidia evidence\\.`, 'm'));
  }
});

test("verify: the Trustee report's stray byte exits 2 with ERR_EVIDENCE_MALFORMED", { skip }, async () => {
  const r = await runInProcess(['--json', 'verify', v('nvidia/trustee/hopper_coco_report1.txt'), '--chain', v('nvidia/trustee/hopper_coco_certs1.txt'), '--at', AT]);
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).error.code, 'ERR_EVIDENCE_MALFORMED');
});

test('verify: --nonce on evidence of another TEE is a usage error, not a silently unchecked binding', { skip }, async () => {
  const r = await runInProcess(['--json', 'verify', v('sgx/phala-dcap-qvl/sgx_quote'), '--nonce', NONCE]);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).error.code, 'ERR_USAGE');
});

test('verify: a --nonce that is not 32 hex bytes and an unreadable --chain exit 1', async () => {
  const absent = join(tmp, 'absent.bin');
  const short = await runInProcess(['--json', 'verify', absent, '--nonce', 'abcd']);
  assert.equal(short.code, 1);
  assert.equal(JSON.parse(short.stdout).error.code, 'ERR_USAGE');
  const notHex = await runInProcess(['--json', 'verify', absent, '--nonce', 'xyz']);
  assert.equal(JSON.parse(notHex.stdout).error.code, 'ERR_USAGE');
  const notPem = join(tmp, 'chain.txt');
  writeFileSync(notPem, 'no certificates here');
  const chain = await runInProcess(['--json', 'verify', absent, '--chain', notPem]);
  assert.equal(chain.code, 1);
  assert.equal(JSON.parse(chain.stdout).error.code, 'ERR_INPUT_UNREADABLE');
});

test('verify: --roots replaces the NVIDIA root too; a directory without one trusts no device', { skip }, async () => {
  const withRoot = join(tmp, 'roots-nvidia');
  const without = join(tmp, 'roots-intel');
  for (const dir of [withRoot, without]) mkdirSync(dir);
  copyFileSync(v('nvidia/nvtrust/verifier_device_root.pem'), join(withRoot, 'nvidia.pem'));
  copyFileSync(v('sgx/intel-dcap-sampledata/QuoteVerification-sampleData/trustedRootCaCert.pem'), join(without, 'intel.pem'));
  const ok = await runInProcess(['--json', 'verify', REPORT, '--chain', CHAIN, '--at', AT, '--roots', withRoot]);
  assert.equal(ok.code, 0, ok.stdout);
  const refused = await runInProcess(['--json', 'verify', REPORT, '--chain', CHAIN, '--at', AT, '--roots', without]);
  assert.equal(refused.code, 2);
  assert.equal(JSON.parse(refused.stdout).error.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
});
