/**
 * `confide coordinator verify` against a production coordinator that attests itself through
 * configfs-tsm (issue 13): the server runs in production mode over a fake SEV-SNP (or TDX)
 * report tree whose "firmware" signs, with a test VCEK (or a test PCK's quoting enclave), a
 * report over whatever the server wrote to inblob (SHA-256(root DER || nonce) then 32 zero bytes,
 * MarbleRun's clientapi.go GetCertQuote). The CLI accepts it with the right launch measurement
 * and refuses a wrong measurement, a replayed report, and the test PKI itself unless --roots
 * names it (dev mode only).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toDcapQvlCollateral } from '@confide/evidence';
import { loadConfig, startServer, type RunningServer } from '@confide/server';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { testIdentity } from '@confide/test-kit/identity';
import { DAY, forgeReport, issueCrl, issueVek, pattern, productPki, type TcbParts } from '@confide/test-kit/amd-pki';
import { runInProcess } from './in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'confide-coord-verify-prod-'));
const TCB: TcbParts = { bootloader: 4, tee: 0, snp: 24, microcode: 219 };
const CHIP_ID = pattern(64, 0xa0);
const MEASUREMENT = pattern(48, 0x33);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * A fake configfs-tsm kernel: `outblob` is a FIFO, so the report is made when the reader opens
 * it, from what `inblob` holds by then, as the real kernel does on read.
 */
function tsmKernel(provider: 'sev_guest' | 'tdx_guest', forge: (reportData: Uint8Array) => Promise<Uint8Array>) {
  const state = { reportData: [] as Uint8Array[], replay: undefined as Uint8Array | undefined };
  const createEntry = async (path: string): Promise<void> => {
    mkdirSync(path);
    writeFileSync(join(path, 'provider'), provider + '\n');
    writeFileSync(join(path, 'generation'), '1\n');
    writeFileSync(join(path, 'inblob'), '');
    execFileSync('mkfifo', [join(path, 'outblob')]);
    void (async () => {
      // Opening for writing waits for the reader, which opens only after writing inblob.
      const fifo = await open(join(path, 'outblob'), 'w');
      try {
        const inblob = new Uint8Array(await readFile(join(path, 'inblob')));
        state.reportData.push(inblob);
        const reportData = new Uint8Array(64);
        reportData.set(state.replay ?? inblob);
        await fifo.write(await forge(reportData));
      } finally {
        await fifo.close();
      }
    })();
  };
  return { state, createEntry };
}

/** A production coordinator on `tee` over `kernel`. */
async function startProduction(name: string, tee: 'sev-snp' | 'tdx', kernel: ReturnType<typeof tsmKernel>): Promise<RunningServer> {
  const dir = join(tmp, name);
  const reportRoot = join(dir, 'tsm', 'report');
  mkdirSync(reportRoot, { recursive: true });
  // The listener's certificate is not what the CLI trusts (the evidence is), so any will do.
  const tls = await testIdentity('localhost');
  writeFileSync(join(dir, 'tls.pem'), tls.pem);
  writeFileSync(join(dir, 'tls.key'), tls.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'seal.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
  const { config } = loadConfig({
    env: {
      CONFIDE_MODE: 'production',
      CONFIDE_HOST: '127.0.0.1',
      CONFIDE_PORT: '0',
      CONFIDE_DATA_DIR: join(dir, 'data'),
      CONFIDE_TLS_CERT: join(dir, 'tls.pem'),
      CONFIDE_TLS_KEY: join(dir, 'tls.key'),
      CONFIDE_SEAL_KEY_FILE: join(dir, 'seal.key'),
      CONFIDE_LOG_LEVEL: 'silent',
      CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: randomBytes(32).toString('hex'),
      CONFIDE_COORDINATOR_TEE: tee,
      CONFIDE_COORDINATOR_TSM_REPORT_DIR: reportRoot,
      CONFIDE_COORDINATOR_ATTESTATION_DIR: join(dir, 'no-gramine'),
    },
  });
  return startServer(config, { createTsmEntry: kernel.createEntry });
}

let server: RunningServer;
let kernel: ReturnType<typeof tsmKernel>;
let addr: string;
const rootsDir = join(tmp, 'roots');
const collateralDir = join(tmp, 'collateral');

before(async () => {
  const pki = await productPki('Milan');
  const vek = await issueVek(pki, { keyType: 'vcek', tcb: TCB, hwid: CHIP_ID });
  mkdirSync(rootsDir);
  writeFileSync(join(rootsDir, 'ark.der'), pki.ark.der);
  mkdirSync(collateralDir);
  writeFileSync(join(collateralDir, 'vcek.der'), vek.der);
  writeFileSync(join(collateralDir, 'ask.der'), pki.ask.der);
  writeFileSync(join(collateralDir, 'ark.der'), pki.ark.der);
  const now = Date.now();
  writeFileSync(join(collateralDir, 'crl.der'), await issueCrl(pki.ark, { revoked: [], thisUpdate: new Date(now - DAY), nextUpdate: new Date(now + DAY) }));
  kernel = tsmKernel('sev_guest', (reportData) => forgeReport({ product: 'Milan', tcb: TCB, chipId: CHIP_ID, measurement: MEASUREMENT, reportData }, vek));
  server = await startProduction('snp', 'sev-snp', kernel);
  addr = new URL(server.url).host;
});

after(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function verify(...extra: string[]) {
  return verifyAt(addr, collateralDir, ...extra);
}

async function verifyAt(address: string, collateral: string, ...extra: string[]) {
  const r = await runInProcess(['--json', 'coordinator', 'verify', '--coordinator', address, '--collateral', collateral, ...extra]);
  return { code: r.code, json: JSON.parse(r.stdout.trim().split('\n').pop() || r.stderr.trim().split('\n').pop() || '{}') as Record<string, unknown> & { error?: { code?: string } } };
}

test('the production coordinator\'s SEV-SNP report is accepted with its launch measurement, bound to the root and a fresh nonce', async () => {
  const before = kernel.state.reportData.length;
  const r = await verify('--roots', rootsDir, '--measurement', hex(MEASUREMENT), '--out', join(tmp, 'root.pem'));
  assert.equal(r.code, 0, JSON.stringify(r.json));
  assert.equal(r.json['ok'], true);
  assert.equal(r.json['tee'], 'sev-snp');
  assert.equal(r.json['measurement'], hex(MEASUREMENT));
  assert.equal(r.json['tcbStatus'], 'UpToDate');
  // The report the CLI accepted was made for this request: its inblob is SHA-256(root DER || nonce) || 32 zero bytes.
  assert.equal(kernel.state.reportData.length, before + 1);
  const inblob = kernel.state.reportData.at(-1)!;
  assert.equal(inblob.length, 64);
  assert.deepEqual(inblob.subarray(32), new Uint8Array(32));
  const root = new X509Certificate(await readFile(join(tmp, 'root.pem')));
  assert.equal(r.json['rootFingerprint'], createHash('sha256').update(root.raw).digest('hex'));
});

test('a wrong measurement is refused with ERR_POLICY_DENIED (exit 2)', async () => {
  const r = await verify('--roots', rootsDir, '--measurement', hex(pattern(48, 0x34)));
  assert.equal(r.code, 2, JSON.stringify(r.json));
  assert.equal(r.json.error?.code, 'ERR_POLICY_DENIED');
});

test('a report made for another nonce (a replay) is refused: the binding is checked, not just the signature', async () => {
  kernel.state.replay = kernel.state.reportData.at(-1);
  try {
    const r = await verify('--roots', rootsDir, '--measurement', hex(MEASUREMENT));
    assert.equal(r.code, 2, JSON.stringify(r.json));
    assert.equal(r.json.error?.code, 'ERR_EVIDENCE_BINDING_MISMATCH');
  } finally {
    kernel.state.replay = undefined;
  }
});

test('the test PKI is not AMD\'s: without --roots the pinned ARK refuses it; --roots is refused in production mode', async () => {
  const pinned = await verify('--measurement', hex(MEASUREMENT));
  assert.equal(pinned.code, 2, JSON.stringify(pinned.json));
  assert.equal(pinned.json.error?.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  const production = await verify('--roots', rootsDir, '--measurement', hex(MEASUREMENT), '--mode', 'production');
  assert.notEqual(production.code, 0, JSON.stringify(production.json));
  assert.equal(production.json.error?.code, 'ERR_PRODUCTION_REFUSED');
});

test('on TDX: the production coordinator\'s quote is accepted with its MRTD and refused with another', async () => {
  const at = new Date();
  const MRTD = pattern(48, 0x61);
  // The test PKI is one per process, so the first world's collateral covers every quote the kernel forges.
  const first = await forgeIntelWorld({ tee: 'tdx', at, tdx: { reportData: '00'.repeat(64), mrTd: hex(MRTD) } });
  const dir = join(tmp, 'tdx-files');
  mkdirSync(join(dir, 'roots'), { recursive: true });
  writeFileSync(join(dir, 'roots', 'intel-root.der'), first.rootDer);
  writeFileSync(join(dir, 'collateral.json'), JSON.stringify(toDcapQvlCollateral(first.collateral)));
  const tdx = tsmKernel('tdx_guest', async (reportData) => (await forgeIntelWorld({ tee: 'tdx', at, tdx: { reportData: hex(reportData), mrTd: hex(MRTD) } })).quote);
  const tdxServer = await startProduction('tdx', 'tdx', tdx);
  try {
    const tdxAddr = new URL(tdxServer.url).host;
    const ok = await verifyAt(tdxAddr, join(dir, 'collateral.json'), '--roots', join(dir, 'roots'), '--measurement', hex(MRTD));
    assert.equal(ok.code, 0, JSON.stringify(ok.json));
    assert.equal(ok.json['tee'], 'tdx');
    assert.equal(ok.json['measurement'], hex(MRTD));
    const wrong = await verifyAt(tdxAddr, join(dir, 'collateral.json'), '--roots', join(dir, 'roots'), '--measurement', hex(pattern(48, 0x62)));
    assert.equal(wrong.code, 2, JSON.stringify(wrong.json));
    assert.equal(wrong.json.error?.code, 'ERR_POLICY_DENIED');
  } finally {
    await tdxServer.close();
  }
});
