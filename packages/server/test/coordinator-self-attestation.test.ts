/**
 * The production coordinator attests itself with the TEE it runs in, through the launcher's
 * configfs-tsm source over a fake report tree (as packages/launcher/test/run-evidence.test.ts):
 * report data = SHA-256(root certificate DER || nonce) then 32 zero bytes, as MarbleRun's
 * clientapi.go GetCertQuote and ertvalidator.go Issue make it. Without a working source
 * production refuses to start, unless the operator opts out with coordinator.unattested.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfideError } from '@confide/core';
import { ensureLocalCa } from '../src/tls/local-ca.js';
import { loadConfig, startServer } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-self-attest-'));
const tls = await ensureLocalCa(join(dir, 'tls'), 'localhost');
const sealKey = join(dir, 'seal.key');
writeFileSync(sealKey, randomBytes(32).toString('hex'), { mode: 0o600 });
const TDX_QUOTE = new Uint8Array(5000).fill(0x7d);

function production(name: string, env: Record<string, string>) {
  return loadConfig({
    env: {
      CONFIDE_MODE: 'production',
      CONFIDE_HOST: '127.0.0.1',
      CONFIDE_PORT: '0',
      CONFIDE_DATA_DIR: join(dir, name),
      CONFIDE_TLS_CERT: tls.certPath,
      CONFIDE_TLS_KEY: tls.keyPath,
      CONFIDE_SEAL_KEY_FILE: sealKey,
      CONFIDE_LOG_LEVEL: 'silent',
      CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: randomBytes(32).toString('hex'),
      // Nothing at the default paths is used: every source points into the test's directory.
      CONFIDE_COORDINATOR_ATTESTATION_DIR: join(dir, name, 'no-gramine'),
      CONFIDE_COORDINATOR_TSM_REPORT_DIR: join(dir, name, 'no-tsm'),
      ...env,
    },
  }).config;
}

/** A fake configfs-tsm kernel (as the launcher's tests): mkdir populates provider, generation 1 and outblob. */
function fakeKernel(provider: string, outblob: Uint8Array) {
  const entries: string[] = [];
  return {
    entries,
    createEntry: async (path: string) => {
      mkdirSync(path);
      writeFileSync(join(path, 'provider'), provider + '\n');
      writeFileSync(join(path, 'generation'), '1\n');
      writeFileSync(join(path, 'inblob'), '');
      writeFileSync(join(path, 'outblob'), outblob);
      entries.push(path);
    },
  };
}

test('production with configfs-tsm: the quote is the TEE\'s, over SHA-256(root DER || nonce) and 32 zero bytes', async () => {
  const root = join(dir, 'tsm', 'report');
  mkdirSync(root, { recursive: true });
  const kernel = fakeKernel('tdx_guest', TDX_QUOTE);
  const server = await startServer(production('tdx', { CONFIDE_COORDINATOR_TEE: 'tdx', CONFIDE_COORDINATOR_TSM_REPORT_DIR: root }), { createTsmEntry: kernel.createEntry });
  try {
    assert.ok(!server.warnings.some((w) => w.startsWith('coordinator.unattested')), server.warnings.join('\n'));
    // One probe at start, as MarbleRun's GenerateQuote.
    assert.equal(kernel.entries.length, 1);
    const nonce = randomBytes(16);
    const res = await server.app.inject({ method: 'GET', url: `/api/v2/quote?nonce=${nonce.toString('base64url')}` });
    assert.equal(res.statusCode, 200, res.body);
    const { cert, quote } = res.json().data as { cert: string; quote: string };
    assert.deepEqual(new Uint8Array(Buffer.from(quote, 'base64')), TDX_QUOTE);
    const rootDer = new X509Certificate(cert.slice(cert.lastIndexOf('-----BEGIN CERTIFICATE-----'))).raw;
    const expected = Buffer.concat([createHash('sha256').update(Buffer.concat([rootDer, nonce])).digest(), Buffer.alloc(32)]);
    assert.deepEqual(readFileSync(join(kernel.entries.at(-1)!, 'inblob')), expected);
  } finally {
    await server.close();
  }
});

test('production without a working evidence source refuses to start with ERR_TEE_UNAVAILABLE', async () => {
  await assert.rejects(startServer(production('none', {})), (err: unknown) => isConfideError(err, 'ERR_TEE_UNAVAILABLE') && /coordinator\.unattested/.test((err as Error).message));
  // A source that exists but is another TEE than asked for is no evidence either.
  const root = join(dir, 'snp', 'report');
  mkdirSync(root, { recursive: true });
  await assert.rejects(
    startServer(production('wrong', { CONFIDE_COORDINATOR_TEE: 'tdx', CONFIDE_COORDINATOR_TSM_REPORT_DIR: root }), { createTsmEntry: fakeKernel('sev_guest', new Uint8Array(1184)).createEntry }),
    (err: unknown) => isConfideError(err, 'ERR_TEE_UNAVAILABLE'),
  );
});

test('coordinator.unattested: production starts, says so loudly, and answers an empty quote', async () => {
  const server = await startServer(production('unattested', { CONFIDE_COORDINATOR_UNATTESTED: 'true' }));
  try {
    assert.ok(server.warnings.some((w) => w.startsWith('coordinator.unattested: this production coordinator has no TEE evidence')), server.warnings.join('\n'));
    const res = await server.app.inject({ method: 'GET', url: '/api/v2/quote' });
    assert.equal(res.json().data.quote, '');
  } finally {
    await server.close();
  }
});
