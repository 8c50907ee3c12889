/** The launcher's evidence sources over fake TEE trees, and the activation flow through them in process. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { defineErrorCodes, isConfideError } from '@confide/core';
import { configfsTsmSource } from '../src/evidence/configfs-tsm.js';
import { gramineSource } from '../src/evidence/gramine.js';
import { selectSource } from '../src/evidence/select-source.js';
import { bindingReportData } from '../src/identity.js';
import { prepareLaunch } from '../src/launch.js';
import { refuse, startFakeCoordinator, success, type FakeCoordinator } from '@confide/test-kit/fake-coordinator';
import { rejectsWithCode as rejectsWith } from '@confide/test-kit/assert';

const tmp = mkdtempSync(join(tmpdir(), 'confide-run-evidence-'));
// The coordinator's codes a refusal keeps: the CLI passes every package's; the launcher loads none of them.
const REFUSAL_CODES = defineErrorCodes('coordinator', {
  ERR_ACTIVATION_REFUSED: { expose: true, summary: 'refused' },
  ERR_SECRET_INVALID: { expose: true, summary: 'a secret is unset' },
});
const REPORT_DATA = new Uint8Array(64).map((_, i) => i + 1);
const SNP_REPORT = new Uint8Array(1184).fill(0x5a);
const TDX_QUOTE = new Uint8Array(5000).fill(0x7d);

/**
 * A fake configfs-tsm "kernel": mkdir populates the entry as the kernel would after one write
 * (provider, generation 1, outblob); `entries` records what the launcher created.
 */
function fakeKernel(provider: string, outblob: Uint8Array, generation = '1'): { createEntry: (path: string) => Promise<void>; entries: string[] } {
  const entries: string[] = [];
  return {
    entries,
    createEntry: async (path) => {
      mkdirSync(path);
      writeFileSync(join(path, 'provider'), provider + '\n');
      writeFileSync(join(path, 'generation'), generation + '\n');
      writeFileSync(join(path, 'inblob'), '');
      writeFileSync(join(path, 'outblob'), outblob);
      entries.push(path);
    },
  };
}

function reportRoot(): string {
  const root = join(mkdtempSync(join(tmp, 'tsm-')), 'report');
  mkdirSync(root);
  return root;
}

test('configfs-tsm: sev_guest gives an SEV-SNP report over the 64-byte inblob, in a private entry', async () => {
  const root = reportRoot();
  const kernel = fakeKernel('sev_guest', SNP_REPORT);
  const evidence = await configfsTsmSource({ root, expect: 'sev-snp', createEntry: kernel.createEntry }).obtain(REPORT_DATA);
  assert.equal(evidence.tee, 'sev-snp');
  assert.deepEqual(evidence.bytes, SNP_REPORT);
  assert.equal(kernel.entries.length, 1);
  assert.match(kernel.entries[0]!, new RegExp(`^${root}/confide-${process.pid}-[0-9a-f]{12}$`));
  assert.deepEqual(new Uint8Array(readFileSync(join(kernel.entries[0]!, 'inblob'))), REPORT_DATA);
});

test('configfs-tsm: tdx_guest gives a TDX quote; without --tee the provider decides', async () => {
  const root = reportRoot();
  const kernel = fakeKernel('tdx_guest', TDX_QUOTE);
  for (const source of [configfsTsmSource({ root, expect: 'tdx', createEntry: kernel.createEntry }), configfsTsmSource({ root, createEntry: kernel.createEntry })]) {
    const evidence = await source.obtain(REPORT_DATA);
    assert.equal(evidence.tee, 'tdx');
    assert.deepEqual(evidence.bytes, TDX_QUOTE);
  }
  assert.notEqual(kernel.entries[0], kernel.entries[1]);
});

test('configfs-tsm: a real mkdir/rmdir leaves no entry behind', async () => {
  // Plain directories stand in for configfs: the "kernel" adds no files, so reading fails, but the entry is removed.
  const root = reportRoot();
  await rejectsWith(configfsTsmSource({ root }).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
  assert.deepEqual(readdirSync(root), []);
});

test('configfs-tsm: another provider than asked, an unknown provider, a foreign write, no configfs: ERR_TEE_UNAVAILABLE', async () => {
  const root = reportRoot();
  await rejectsWith(configfsTsmSource({ root, expect: 'tdx', createEntry: fakeKernel('sev_guest', SNP_REPORT).createEntry }).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
  await rejectsWith(configfsTsmSource({ root, createEntry: fakeKernel('arm_cca_guest', SNP_REPORT).createEntry }).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
  await rejectsWith(configfsTsmSource({ root, createEntry: fakeKernel('sev_guest', SNP_REPORT, '2').createEntry }).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
  await rejectsWith(configfsTsmSource({ root, createEntry: fakeKernel('sev_guest', new Uint8Array(0)).createEntry }).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
  await rejectsWith(configfsTsmSource({ root: join(tmp, 'no', 'configfs') }).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
});

test('gramine: report data goes to user_report_data, the quote comes back; none/epid and a missing device fail', async () => {
  const dev = mkdtempSync(join(tmp, 'gramine-'));
  writeFileSync(join(dev, 'user_report_data'), new Uint8Array(64));
  writeFileSync(join(dev, 'quote'), TDX_QUOTE.subarray(0, 4600));
  // Older Gramine has no attestation_type file.
  const evidence = await gramineSource(dev).obtain(REPORT_DATA);
  assert.equal(evidence.tee, 'sgx');
  assert.deepEqual(evidence.bytes, TDX_QUOTE.subarray(0, 4600));
  assert.deepEqual(new Uint8Array(readFileSync(join(dev, 'user_report_data'))), REPORT_DATA);
  for (const type of ['none', 'epid']) {
    writeFileSync(join(dev, 'attestation_type'), type);
    await rejectsWith(gramineSource(dev).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
  }
  await rejectsWith(gramineSource(join(tmp, 'no-dev')).obtain(REPORT_DATA), 'ERR_TEE_UNAVAILABLE');
});

test('auto: Gramine when its quote file exists, else configfs-tsm when its directory exists, else ERR_TEE_UNAVAILABLE', async () => {
  const base = mkdtempSync(join(tmp, 'auto-'));
  const dev = join(base, 'attestation');
  const tsm = join(base, 'tsm', 'report');
  const roots = { attestationDir: dev, tsmReportDir: tsm, createTsmEntry: fakeKernel('tdx_guest', TDX_QUOTE).createEntry };
  await rejectsWith(selectSource('auto', roots), 'ERR_TEE_UNAVAILABLE');
  mkdirSync(tsm, { recursive: true });
  assert.equal((await (await selectSource('auto', roots)).obtain(REPORT_DATA)).tee, 'tdx');
  mkdirSync(dev);
  writeFileSync(join(dev, 'user_report_data'), '');
  writeFileSync(join(dev, 'quote'), 'q');
  assert.equal((await (await selectSource('auto', roots)).obtain(REPORT_DATA)).tee, 'sgx');
});

let coordinator: FakeCoordinator;
before(async () => {
  coordinator = await startFakeCoordinator();
});
after(async () => {
  await coordinator.close();
});

test('activation with sev-snp and tdx through configfs-tsm: the inblob binds the client key, the outblob is the evidence', async () => {
  for (const [tee, provider, blob] of [['sev-snp', 'sev_guest', SNP_REPORT], ['tdx', 'tdx_guest', TDX_QUOTE]] as const) {
    const kernel = fakeKernel(provider, blob);
    const cwd = mkdtempSync(join(tmp, 'work-'));
    coordinator.requests.length = 0;
    coordinator.answer = () => success({ env: { X: Buffer.from('y').toString('base64') }, files: { 'conf/a': Buffer.from('A').toString('base64') } });
    const prepared = await prepareLaunch({
      coordinator: coordinator.addr,
      marbleType: 'vm',
      uuidFile: join(cwd, 'uuid'),
      tee,
      dataDir: join(cwd, 'unused'),
      mode: 'production',
      command: ['true', 'arg'],
      env: { PATH: process.env['PATH'] ?? '' },
      cwd,
      roots: { tsmReportDir: reportRoot(), createTsmEntry: kernel.createEntry },
      refusalCodes: REFUSAL_CODES,
    });
    const req = coordinator.requests[0]!;
    assert.equal(req.body['tee'], tee);
    assert.deepEqual(new Uint8Array(Buffer.from(req.body['evidence'] as string, 'base64')), blob);
    const spki = new Uint8Array(new x509.X509Certificate(req.clientCert!).publicKey.rawData);
    const inblob = new Uint8Array(readFileSync(join(kernel.entries[0]!, 'inblob')));
    assert.deepEqual(inblob, bindingReportData(spki));
    assert.deepEqual(inblob.subarray(0, 32), new Uint8Array(createHash('sha256').update(spki).digest()));
    assert.deepEqual(inblob.subarray(32), new Uint8Array(32));
    assert.equal(prepared.tee, tee);
    assert.deepEqual(prepared.program.argv, ['true', 'arg']);
    assert.equal(prepared.program.env['X'], 'y');
    assert.equal(prepared.program.env['MARBLE_PREDEFINED_COORDINATOR_ROOT_CA'], prepared.activation.rootCertificate);
    assert.notEqual(prepared.program.env['MARBLE_PREDEFINED_ROOT_CA'], prepared.activation.rootCertificate);
    assert.equal(readFileSync(join(cwd, 'conf', 'a'), 'utf8'), 'A');
  }
});

test('a refusal for an unset secret names `confide secret set`; it is a refusal (exit 2)', async () => {
  const kernel = fakeKernel('sev_guest', SNP_REPORT);
  const cwd = mkdtempSync(join(tmp, 'work-'));
  coordinator.answer = () => refuse(400, 'ERR_SECRET_INVALID', 'secret apiToken is user-defined and not set');
  await assert.rejects(
    prepareLaunch({
      coordinator: coordinator.addr,
      marbleType: 'vm',
      uuidFile: join(cwd, 'uuid'),
      tee: 'sev-snp',
      dataDir: join(cwd, 'unused'),
      mode: 'production',
      command: ['true'],
      env: { PATH: process.env['PATH'] ?? '' },
      cwd,
      roots: { tsmReportDir: reportRoot(), createTsmEntry: kernel.createEntry },
      refusalCodes: REFUSAL_CODES,
    }),
    (err) => isConfideError(err, 'ERR_SECRET_INVALID') && /confide secret set/.test(err.message) && err.details?.['refused'] === true,
  );
});
