/**
 * The security domain end to end with the CLI, in process: a vault's keys, its security domain
 * downloaded to three operator certificates with a quorum of two, then the database moved into a
 * fresh data directory (a new seal key: nothing there unseals). The vault refuses key operations
 * until two shares are uploaded; one share, a tampered share, or a second upload are refused with
 * their codes; after the upload every key is back and signs what its old public key verifies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify, webcrypto } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { loadConfig, startServer, type RunningServer } from '@confide/server';
import { runInProcess } from './in-process.js';

const start = (dir: string): Promise<RunningServer> =>
  startServer(loadConfig({ env: { CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: dir, CONFIDE_LOG_LEVEL: 'silent' } }).config);
const conn = (s: RunningServer) => ['--vault', s.url, '--ca', s.caCertPath!];
const run = async (...args: string[]) => {
  const r = await runInProcess(['--json', ...args]);
  return { code: r.code, json: JSON.parse(r.stdout || '{}'), stderr: r.stderr };
};

function post(s: RunningServer, path: string, body: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(s.url);
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: `${path}?api-version=7.6`, ca: readFileSync(s.caCertPath!), headers: { 'content-type': 'application/json', authorization: 'Bearer dev' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function operator(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const alg = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: `CN=${name}`, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), keys, signingAlgorithm: alg }, webcrypto as unknown as Crypto);
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  writeFileSync(certPath, cert.toString('pem'));
  writeFileSync(keyPath, `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`);
  return { cert: certPath, key: keyPath };
}

test('security domain: download 2-of-3, restore into a fresh data directory, every key comes back', async () => {
  const work = mkdtempSync(join(tmpdir(), 'confide-sd-'));
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => operator(work, n)));
  const oldDir = join(work, 'old');
  const old = await start(oldDir);
  const created: Record<string, any> = {};
  try {
    for (const [name, ...flags] of [['sd-rsa', '--kty', 'RSA'], ['sd-ec', '--kty', 'EC', '--curve', 'P-256'], ['sd-oct', '--kty', 'oct-HSM']] as string[][]) {
      const r = await run('key', 'create', name!, ...flags, ...conn(old));
      assert.equal(r.code, 0, JSON.stringify(r.json));
      created[name!] = r.json.key;
    }
    const sd = join(work, 'sd.json');
    const dl = await run('keyvault', 'security-domain', 'download', '--cert', a!.cert, '--cert', b!.cert, '--cert', c!.cert, '--quorum', '2', '--out', sd, ...conn(old));
    assert.equal(dl.code, 0, JSON.stringify(dl.json));
    assert.equal(JSON.parse(readFileSync(sd, 'utf8')).shares.length, 3);
    const tooFew = await run('keyvault', 'security-domain', 'download', '--cert', a!.cert, '--cert', b!.cert, '--quorum', '2', '--out', join(work, 'x.json'), ...conn(old));
    assert.equal(tooFew.json.error.code, 'ERR_SECURITY_DOMAIN_INVALID');
  } finally {
    await old.close();
  }

  // A fresh data directory (its own new seal key) with the old database file.
  const freshDir = join(work, 'fresh');
  const fresh0 = await start(freshDir);
  await fresh0.close();
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(join(oldDir, `confide.sqlite${suffix}`))) copyFileSync(join(oldDir, `confide.sqlite${suffix}`), join(freshDir, `confide.sqlite${suffix}`));
  const fresh = await start(freshDir);
  try {
    const sd = join(work, 'sd.json');
    assert.equal((await run('key', 'get', 'sd-rsa', ...conn(fresh))).json.error.code, 'ERR_KEYVAULT_NOT_ACTIVATED', 'nothing unseals under the new seal key');
    const one = await run('keyvault', 'security-domain', 'upload', sd, '--key', a!.key, ...conn(fresh));
    assert.equal(one.json.error.code, 'ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT', 'k-1 shares do not restore');
    assert.equal((await run('key', 'get', 'sd-rsa', ...conn(fresh))).json.error.code, 'ERR_KEYVAULT_NOT_ACTIVATED');
    // A share altered on its way (the raw upload the CLI makes, one byte changed).
    const { decryptShare, parseSecurityDomain } = await import('@confide/keyvault');
    const { createPrivateKey } = await import('node:crypto');
    const doc = parseSecurityDomain(readFileSync(sd, 'utf8'));
    const shares = [a!, c!].map((o) => decryptShare(doc, createPrivateKey(readFileSync(o.key, 'utf8'))));
    shares[1]!.y[3]! ^= 0x40;
    const tampered = await post(fresh, '/securitydomain/upload', { value: readFileSync(sd, 'utf8'), shares: shares.map((s) => ({ x: s.x, y: Buffer.from(s.y).toString('base64url') })) });
    assert.equal(tampered.status, 400);
    assert.equal(tampered.json.error.innererror.code, 'ERR_SECURITY_DOMAIN_SHARE_INVALID');

    const up = await run('keyvault', 'security-domain', 'upload', sd, '--key', a!.key, '--key', c!.key, ...conn(fresh));
    assert.equal(up.code, 0, JSON.stringify(up.json));
    for (const name of ['sd-rsa', 'sd-ec', 'sd-oct']) {
      const got = await run('key', 'get', name, ...conn(fresh));
      assert.equal(got.code, 0, JSON.stringify(got.json));
      assert.equal(got.json.key.key.kid.split('/').pop(), created[name].key.kid.split('/').pop());
    }
    const digest = createHash('sha256').update('after restore').digest();
    const version = created['sd-rsa'].key.kid.split('/').pop();
    const signed = await post(fresh, `/keys/sd-rsa/${version}/sign`, { alg: 'RS256', value: digest.toString('base64url') });
    assert.equal(signed.status, 200, JSON.stringify(signed.json));
    const oldPublic = createPublicKey({ key: { kty: 'RSA', n: created['sd-rsa'].key.n, e: created['sd-rsa'].key.e }, format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from('after restore'), oldPublic, Buffer.from(signed.json.value, 'base64url')), 'the restored key is the old key');
    const again = await run('keyvault', 'security-domain', 'upload', sd, '--key', a!.key, '--key', b!.key, ...conn(fresh));
    assert.equal(again.json.error.code, 'ERR_KEYVAULT_ALREADY_ACTIVATED');
  } finally {
    await fresh.close();
  }
  // The resealed root survives a restart: the vault is active at once.
  const restarted = await start(freshDir);
  try {
    assert.equal((await run('key', 'get', 'sd-ec', ...conn(restarted))).code, 0);
  } finally {
    await restarted.close();
  }
});
