/**
 * `confide key release` and `confide key unwrap-release` against a dev server in process: a
 * simulated workload's token, the release, the unwrap with the transfer key (JWS checked, the
 * key written 0600), and the refusals with their codes (altered response, other signer, other
 * transfer key).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimEvidence } from '@confide/evidence';
import { loadSimulationKey } from '@confide/launcher/sim-key';
import { loadConfig, startServer } from '@confide/server';
import { runInProcess } from './in-process.js';
import { keyPairSync } from '@confide/test-kit/keys';

const dir = mkdtempSync(join(tmpdir(), 'confide-key-release-cli-'));
const server = await startServer(loadConfig({ env: { CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: dir, CONFIDE_LOG_LEVEL: 'silent' } }).config);
after(() => server.close());
const ca = readFileSync(server.caCertPath!, 'utf8');
const conn = ['--vault', server.url, '--ca', server.caCertPath!];
const json = (...args: string[]) => runInProcess(['--json', 'key', ...args]);

const transfer = keyPairSync('rsa', { modulusLength: 2048 });
const transferPem = join(dir, 'transfer.pem');
writeFileSync(transferPem, transfer.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const MEASUREMENT = new Uint8Array(32).fill(0x5a);

function post(path: string, body: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path, ca, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function token(): Promise<string> {
  const sim = await loadSimulationKey(dir);
  const runtime = JSON.stringify({ keys: [{ ...transfer.publicKey.export({ format: 'jwk' }), kid: 'cli-transfer', key_use: 'enc' }] });
  const evidence = await createSimEvidence({ privateKey: sim.privateKey, publicKey: sim.publicKey }, { measurement: MEASUREMENT, reportData: new Uint8Array(createHash('sha256').update(runtime).digest()) });
  const answer = await post('/attest/Simulated?api-version=2022-08-01', { quote: Buffer.from(evidence).toString('base64url'), runtimeData: { data: Buffer.from(runtime).toString('base64url'), dataType: 'JSON' } });
  return answer.token as string;
}

test('release a key with the CLI and unwrap it as the workload: the key signs what the vault verifies', async () => {
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ version: '1.0.0', anyOf: [{ authority: server.url, allOf: [{ claim: 'x-ms-sim-measurement', equals: Buffer.from(MEASUREMENT).toString('hex') }] }] }));
  const created = JSON.parse((await json('create', 'cli-skr', '--kty', 'RSA-HSM', '--exportable', '--policy', policy, ...conn)).stdout);
  assert.equal(created.ok, true, JSON.stringify(created));
  const target = join(dir, 'token.jwt');
  writeFileSync(target, await token());
  const responseFile = join(dir, 'release.json');
  const released = await json('release', 'cli-skr', '--target', target, '--enc', 'RSA_AES_KEY_WRAP_256', '--out', responseFile, ...conn);
  assert.equal(released.code, 0, released.stdout + released.stderr);
  const out = join(dir, 'released.jwk');
  const unwrapped = await json('unwrap-release', responseFile, '--key', transferPem, '--out', out);
  assert.equal(unwrapped.code, 0, unwrapped.stdout + unwrapped.stderr);
  const summary = JSON.parse(unwrapped.stdout);
  assert.equal(summary.kid, created.key.key.kid);
  assert.equal(summary.enc, 'RSA_AES_KEY_WRAP_256');
  assert.doesNotMatch(unwrapped.stdout + unwrapped.stderr, /"d"/, 'the private key is never printed');
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const jwk = JSON.parse(readFileSync(out, 'utf8'));
  const vaultPublic = createPublicKey({ key: { kty: 'RSA', n: created.key.key.n, e: created.key.key.e }, format: 'jwk' });
  assert.ok(verify('sha256', Buffer.from('m'), vaultPublic, sign('sha256', Buffer.from('m'), { key: jwk, format: 'jwk' })));

  // The signer the response must come from: the attestation signing certificate (its x5c).
  const value = JSON.parse(readFileSync(responseFile, 'utf8')).value as string;
  const header = JSON.parse(Buffer.from(value.split('.')[0]!, 'base64url').toString());
  const signerPem = join(dir, 'signer.pem');
  writeFileSync(signerPem, new X509Certificate(Buffer.from(header.x5c[0], 'base64')).toString());
  assert.equal((await json('unwrap-release', responseFile, '--key', transferPem, '--out', out, '--signer', signerPem)).code, 0);
  const otherSigner = join(dir, 'other-signer.pem');
  writeFileSync(otherSigner, readFileSync(server.caCertPath!));
  assert.equal(JSON.parse((await json('unwrap-release', responseFile, '--key', transferPem, '--out', out, '--signer', otherSigner)).stdout).error.code, 'ERR_KEY_RELEASE_RESPONSE_INVALID');

  // An altered payload (one character of the JWS payload) no longer verifies.
  const [h, p, s] = value.split('.') as [string, string, string];
  const altered = join(dir, 'altered.json');
  writeFileSync(altered, JSON.stringify({ value: `${h}.${p.slice(0, 40)}${p[40] === 'A' ? 'B' : 'A'}${p.slice(41)}.${s}` }));
  assert.equal(JSON.parse((await json('unwrap-release', altered, '--key', transferPem, '--out', out)).stdout).error.code, 'ERR_KEY_RELEASE_RESPONSE_INVALID');
  // Another transfer key cannot unwrap it.
  const stranger = join(dir, 'stranger.pem');
  writeFileSync(stranger, keyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  assert.equal(JSON.parse((await json('unwrap-release', responseFile, '--key', stranger, '--out', out)).stdout).error.code, 'ERR_KEY_RELEASE_UNWRAP_FAILED');
  // The vault's refusal reaches the CLI with its code.
  await json('create', 'cli-plain', '--kty', 'RSA', ...conn);
  assert.equal(JSON.parse((await json('release', 'cli-plain', '--target', target, ...conn)).stdout).error.code, 'ERR_KEY_RELEASE_NOT_EXPORTABLE');
});
