/**
 * Recovery in production mode (docs/recovery.md): a restart with another seal key does not stop
 * the server. Every service whose sealed data cannot be opened comes up degraded and says so
 * (/readyz, warnings, status), and the coordinator reaches state 1 and recovers with its shares.
 * The server is started as `confide serve --mode production` starts it (startServer, in process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptRecoveryShare, signRecoveryShare } from '@confide/coordinator';
import { toBase64 } from '@confide/core';
import { loadConfig, startServer, type RunningServer } from '../src/index.js';
import { ensureLocalCa } from '../src/tls/local-ca.js';
import { recoveryKey } from './marblerun-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-prod-recovery-'));
const tls = await ensureLocalCa(join(dir, 'tls'), 'localhost');
const keyA = join(dir, 'seal-a.key');
const keyB = join(dir, 'seal-b.key');
writeFileSync(keyA, randomBytes(32).toString('base64'), { mode: 0o600 });
writeFileSync(keyB, randomBytes(32).toString('base64'), { mode: 0o600 });

function productionConfig(sealKeyFile: string, extra: Record<string, string> = {}) {
  return loadConfig({
    env: {
      ...extra,
      CONFIDE_MODE: 'production',
      CONFIDE_COORDINATOR_UNATTESTED: 'true',
      CONFIDE_HOST: '127.0.0.1',
      CONFIDE_PORT: '0',
      CONFIDE_DATA_DIR: join(dir, 'data'),
      CONFIDE_TLS_CERT: tls.certPath,
      CONFIDE_TLS_KEY: tls.keyPath,
      CONFIDE_SEAL_KEY_FILE: sealKeyFile,
      CONFIDE_LOG_LEVEL: 'silent',
      CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: randomBytes(32).toString('hex'),
      CONFIDE_ATTESTATION_AUTH_ISSUER: 'https://login.example',
      CONFIDE_ATTESTATION_AUTH_AUDIENCE: 'https://attest.example',
    },
  }).config;
}

const get = async (server: RunningServer, url: string) => (await server.app.inject({ method: 'GET', url })).json();

const recovery = { alice: recoveryKey(), bob: recoveryKey() };
const manifest = {
  Packages: { backend: { Tee: 'sgx', UniqueID: 'ab'.repeat(32), Debug: false } },
  Marbles: { backend: { Package: 'backend' } },
  RecoveryKeys: { alice: recovery.alice.publicPem, bob: recovery.bob.publicPem },
  Config: { RecoveryThreshold: 2 },
};

test('production: another seal key brings the server up degraded in recovery mode, and the shares recover the coordinator', async () => {
  const first = await startServer(productionConfig(keyA));
  let shares: Record<string, string>;
  try {
    // The only warnings: the operator named no holder of the first manifest (coordinator.firstManifestKey),
    // the key vault waits for its security domain, and there is no TEE here (coordinator.unattested).
    assert.deepEqual(first.warnings.filter((w) => !w.startsWith('coordinator.firstManifestKey is not set') && !w.startsWith('key vault is uninitialized') && !w.startsWith('coordinator.unattested')), []);
    assert.equal(first.warnings.length, 3);
    assert.equal((await get(first, '/readyz')).status, 'ready');
    const set = await first.app.inject({ method: 'POST', url: '/api/v2/manifest', payload: { manifest: toBase64(Buffer.from(JSON.stringify(manifest))) } });
    assert.equal(set.statusCode, 200);
    shares = set.json().data.RecoverySecrets;
    assert.equal((await get(first, '/api/v2/status')).data.code, 3);
  } finally {
    await first.close();
  }

  // The case recovery exists for: the seal key is gone, the server starts with another one.
  const warned: string[] = [];
  const second = await startServer(productionConfig(keyB), { warn: (w) => warned.push(w) });
  try {
    assert.deepEqual(warned, second.warnings);
    assert.ok(warned.some((w) => /^coordinator is degraded: recovery mode/.test(w)), warned.join('\n'));
    assert.ok(warned.some((w) => /^attestation is degraded: .*cannot be unsealed/.test(w)), warned.join('\n'));
    const ready = await get(second, '/readyz');
    assert.equal(ready.status, 'degraded');
    assert.deepEqual(ready.degraded.map((d: { service: string }) => d.service).sort(), ['attestation', 'coordinator']);
    assert.equal((await get(second, '/api/v2/status')).data.code, 1);
    // A degraded attestation service says so instead of failing obscurely.
    const attest = await second.app.inject({ method: 'POST', url: '/attest/SgxEnclave', payload: { quote: 'AAAA' } });
    assert.notEqual(attest.statusCode, 500);

    for (const name of ['alice', 'bob'] as const) {
      const plain = decryptRecoveryShare(shares[name]!, recovery[name].privatePem);
      const payload = { recoverySecret: toBase64(plain), recoverySecretSignature: toBase64(signRecoveryShare(plain, recovery[name].privatePem)) };
      const res = await second.app.inject({ method: 'POST', url: '/api/v2/recover', payload });
      assert.equal(res.statusCode, 200, res.body);
    }
    assert.equal((await get(second, '/api/v2/status')).data.code, 3);
    const after = await get(second, '/readyz');
    assert.deepEqual(after.degraded.map((d: { service: string }) => d.service), ['attestation']);
  } finally {
    await second.close();
  }

  // The recovered state is sealed under the new key: the next start opens the coordinator. The token
  // signing key has no shares: the operator decides to replace it, and attestation signs again.
  const third = await startServer(productionConfig(keyB, { CONFIDE_ATTESTATION_REPLACE_UNSEALABLE_KEY: 'true' }));
  try {
    assert.equal((await get(third, '/api/v2/status')).data.code, 3);
    assert.ok(third.warnings.some((w) => /^attestation signing key replaced/.test(w)), third.warnings.join('\n'));
    assert.deepEqual(await get(third, '/readyz'), { status: 'ready', store: 'sqlite' });
    const certs = await get(third, '/certs');
    assert.equal(certs.keys.length, 2, 'the old key stays published for the tokens it signed');
  } finally {
    await third.close();
  }
});
