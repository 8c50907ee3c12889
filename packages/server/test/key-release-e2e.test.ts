/**
 * The release a confidential workload performs, against a dev `confide serve` in process over
 * HTTPS: simulated evidence binding a fresh RSA transfer key → token from /attest/Simulated →
 * release (the official KeyClient.releaseKey) under a policy on the measurement → unwrap with the
 * transfer key → the released key signs what the vault's public key verifies. Then the denials.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { createSimEvidence } from '@confide/evidence';
import { loadSimulationKey } from '@confide/launcher/sim-key';
import { decodeKeyHsm, jwkOfReleaseMaterial, unwrapRelease } from '@confide/keyvault';
import { startVault, type VaultServer } from './keyvault-helpers.js';
import { raw } from './keyvault-raw.js';
import { keyPairSync } from '@confide/test-kit/keys';

const MEASUREMENT = new Uint8Array(32).fill(0xab);
const OTHER_ISSUER = 'https://other-maa.test';
const other = keyPairSync('rsa', { modulusLength: 2048 });
const transfer = keyPairSync('rsa', { modulusLength: 2048 });
const transferJwk = { ...transfer.publicKey.export({ format: 'jwk' }), kid: 'transfer-1', key_ops: ['encrypt'] };
const b64url = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url');
const sha256 = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest());

let vault: VaultServer;
let call: ReturnType<typeof raw>;

before(async () => {
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'confide-release-'));
  const pem = join(dir, 'other-issuer.pem');
  writeFileSync(pem, other.publicKey.export({ type: 'spki', format: 'pem' }));
  vault = await startVault({ CONFIDE_KEYVAULT_RELEASE_TRUSTED_ISSUERS: `${OTHER_ISSUER}=${pem}` });
  call = raw(vault);
});
after(async () => vault.server.close());

function policy(authority: string, measurement: Uint8Array): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ version: '1.0.0', anyOf: [{ authority, allOf: [{ claim: 'x-ms-sim-measurement', equals: Buffer.from(measurement).toString('hex') }] }] }));
}

/** What the workload does in its TEE: evidence whose report data binds the runtime data carrying the transfer key, then a token. */
async function attestToken(measurement = MEASUREMENT, runtime: object | null = { keys: [transferJwk] }): Promise<string> {
  const sim = await loadSimulationKey(vault.dir);
  const runtimeText = runtime === null ? undefined : JSON.stringify(runtime);
  const evidence = await createSimEvidence({ privateKey: sim.privateKey, publicKey: sim.publicKey }, { measurement, ...(runtimeText ? { reportData: sha256(runtimeText) } : {}) });
  const res = await call('POST', '/attest/Simulated?api-version=2022-08-01', { quote: b64url(evidence), ...(runtimeText ? { runtimeData: { data: b64url(runtimeText), dataType: 'JSON' } } : {}) });
  assert.equal(res.status, 200, res.text);
  return res.json.token as string;
}

test('a workload attests, releases its key through the official client, unwraps it, and the key signs what the vault verifies', async () => {
  const client = vault.client();
  const created = await client.createRsaKey('skr-rsa', { exportable: true, releasePolicy: { encodedPolicy: policy(vault.url, MEASUREMENT) }, keyOps: ['sign', 'verify'] });
  const token = await attestToken();
  for (const algorithm of ['CKM_RSA_AES_KEY_WRAP', 'RSA_AES_KEY_WRAP_256', 'RSA_AES_KEY_WRAP_384'] as const) {
    const { value } = await client.releaseKey('skr-rsa', token, { algorithm });
    const [h, p, s] = value.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    assert.equal(header.alg, 'RS256');
    const cert = new X509Certificate(Buffer.from(header.x5c[0], 'base64'));
    assert.equal(header['x5t#S256'], createHash('sha256').update(cert.raw).digest('base64url'));
    assert.equal(header.x5t, createHash('sha1').update(cert.raw).digest('base64url'));
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), cert.publicKey, Buffer.from(s, 'base64url')), 'JWS verifies with x5c[0]');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    assert.deepEqual(payload.request, { 'api-version': payload.request['api-version'], enc: algorithm, kid: created.id });
    const released = payload.response.key;
    assert.equal(released.key.kid, created.id);
    assert.equal(released.attributes.exportable, true);
    assert.equal(typeof released.release_policy.data, 'string');
    const blob = decodeKeyHsm(released.key.key_hsm);
    assert.equal(blob.kid, 'transfer-1');
    assert.equal(blob.enc, algorithm);
    const jwk = jwkOfReleaseMaterial('RSA', unwrapRelease(algorithm, transfer.privateKey, blob.ciphertext));
    const signature = sign('sha256', Buffer.from('workload data'), { key: jwk, format: 'jwk' });
    const vaultPublic = createPublicKey({ key: { kty: 'RSA', n: b64url(created.key!.n!), e: b64url(created.key!.e!) }, format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from('workload data'), vaultPublic, signature), `${algorithm}: the released key is the vault's key`);
  }
});

test('release without a version, and of an EC key, over the raw API', async () => {
  const client = vault.client();
  const ec = await client.createEcKey('skr-ec', { curve: 'P-384', exportable: true, releasePolicy: { encodedPolicy: policy(vault.url, MEASUREMENT) } });
  const res = await call('POST', '/keys/skr-ec/release', { target: await attestToken() });
  assert.equal(res.status, 200, res.text);
  const payload = JSON.parse(Buffer.from(res.json.value.split('.')[1], 'base64url').toString());
  assert.equal(payload.request.enc, 'CKM_RSA_AES_KEY_WRAP', 'the default enc');
  const blob = decodeKeyHsm(payload.response.key.key.key_hsm);
  const jwk = jwkOfReleaseMaterial('EC', unwrapRelease(blob.enc, transfer.privateKey, blob.ciphertext));
  assert.equal(jwk.kty === 'EC' && jwk.x, b64url(ec.key!.x!));
});

async function denied(name: string, target: string, status: number, akvCode: string, code: string): Promise<void> {
  const res = await call('POST', `/keys/${name}/release`, { target });
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, akvCode);
  assert.equal(res.json.error.innererror.code, code);
}

test('denials: wrong measurement, no runtime keys, non-exportable key, untrusted issuer, forged and expired tokens', async () => {
  const client = vault.client();
  await client.createRsaKey('deny-rsa', { exportable: true, releasePolicy: { encodedPolicy: policy(vault.url, MEASUREMENT) } });
  await client.createRsaKey('plain-rsa');
  const badPolicy = new TextEncoder().encode(JSON.stringify({ version: '1.0.0', anyOf: [{ authority: vault.url, allOf: [{ claim: 'x', greater: 'one' }] }] }));
  const refused = await call('POST', '/keys/bad-policy/create', { kty: 'RSA', attributes: { exportable: true }, release_policy: { data: b64url(badPolicy) } });
  assert.equal(refused.status, 400, refused.text);
  assert.equal(refused.json.error.code, 'BadParameter');
  assert.equal(refused.json.error.innererror.code, 'ERR_KEY_RELEASE_POLICY_INVALID');
  await denied('deny-rsa', await attestToken(new Uint8Array(32).fill(0xcd)), 403, 'Forbidden', 'ERR_KEY_RELEASE_POLICY_DENIED');
  await denied('deny-rsa', await attestToken(MEASUREMENT, null), 400, 'BadParameter', 'ERR_KEY_RELEASE_NO_TRANSFER_KEY');
  await denied('plain-rsa', await attestToken(), 403, 'Forbidden', 'ERR_KEY_RELEASE_NOT_EXPORTABLE');
  const now = Math.floor(Date.now() / 1000);
  const claims = { 'x-ms-sim-measurement': Buffer.from(MEASUREMENT).toString('hex'), 'x-ms-runtime': { keys: [transferJwk] } };
  const stranger = keyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const untrusted = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuer('https://evil.test').setExpirationTime(now + 600).sign(stranger);
  await denied('deny-rsa', untrusted, 403, 'Forbidden', 'ERR_KEY_RELEASE_ISSUER_UNTRUSTED');
  // Claims this server's issuer but is signed by another key.
  const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuer(vault.url).setExpirationTime(now + 600).sign(stranger);
  await denied('deny-rsa', forged, 400, 'BadParameter', 'ERR_KEY_RELEASE_TOKEN_INVALID');
  await denied('deny-rsa', 'not-a-jwt', 400, 'BadParameter', 'ERR_KEY_RELEASE_TOKEN_INVALID');
  // A configured issuer (by public key file): valid tokens verify, but the policy names this server's authority.
  const otherToken = (exp: number) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer(OTHER_ISSUER).setExpirationTime(exp).sign(other.privateKey);
  await denied('deny-rsa', await otherToken(now + 600), 403, 'Forbidden', 'ERR_KEY_RELEASE_POLICY_DENIED');
  await denied('deny-rsa', await otherToken(now - 3600), 400, 'BadParameter', 'ERR_KEY_RELEASE_TOKEN_EXPIRED');
  const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(OTHER_ISSUER).setExpirationTime(now + 600).sign(new Uint8Array(32));
  await denied('deny-rsa', hs, 400, 'BadParameter', 'ERR_KEY_RELEASE_TOKEN_INVALID');
  // ...and a key whose policy names that issuer is released to its token.
  await client.createRsaKey('other-rsa', { exportable: true, releasePolicy: { encodedPolicy: policy(`${OTHER_ISSUER}/`, MEASUREMENT) } });
  const res = await call('POST', '/keys/other-rsa/release', { target: await otherToken(now + 600) });
  assert.equal(res.status, 200, res.text);
});

test('release needs the Release or Crypto User role; Crypto Officer is refused; no token gets the challenge', async () => {
  const officer = 'o'.repeat(43);
  const releaser = 'r'.repeat(43);
  const roles = await startVault({ CONFIDE_KEYVAULT_AUTH_TOKENS: `officer=${officer},release=${releaser}` });
  try {
    const challenged = await raw(roles, null)('POST', '/keys/k/release', { target: 'x' });
    assert.equal(challenged.status, 401);
    assert.match(String(challenged.headers['www-authenticate']), /^Bearer authorization="/);
    const asOfficer = await raw(roles, officer)('POST', '/keys/k/release', { target: 'x' });
    assert.equal(asOfficer.status, 403, asOfficer.text);
    assert.equal(asOfficer.json.error.innererror.code, 'ERR_FORBIDDEN');
    const asReleaser = await raw(roles, releaser)('POST', '/keys/k/release', { target: 'x' });
    assert.equal(asReleaser.json.error.innererror.code, 'ERR_KEY_NOT_FOUND', 'the role passes; the key does not exist');
  } finally {
    await roles.server.close();
  }
});

test('release to an SGX enclave: a quote forged under a test Intel PKI (--evidence-roots) binds the transfer key', async () => {
  const { forgeIntelWorld } = await import('@confide/test-kit/intel-pki');
  const { toDcapQvlCollateral } = await import('@confide/evidence');
  const { mkdirSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const runtime = JSON.stringify({ keys: [transferJwk] });
  const world = await forgeIntelWorld({ at: new Date(), sgx: { reportData: Buffer.from(sha256(runtime)).toString('hex') } });
  const dir = mkdtempSync(join(tmpdir(), 'confide-release-sgx-'));
  mkdirSync(join(dir, 'roots'));
  writeFileSync(join(dir, 'roots', 'test-root.pem'), new X509Certificate(world.rootDer).toString());
  writeFileSync(join(dir, 'collateral.json'), JSON.stringify(toDcapQvlCollateral(world.collateral)));
  const sgxVault = await startVault({ CONFIDE_EVIDENCE_ROOTS: join(dir, 'roots'), CONFIDE_COLLATERAL: join(dir, 'collateral.json') });
  try {
    const sgxCall = raw(sgxVault);
    const attested = await sgxCall('POST', '/attest/SgxEnclave?api-version=2022-08-01', { quote: b64url(world.quote), runtimeData: { data: b64url(runtime), dataType: 'JSON' } });
    assert.equal(attested.status, 200, attested.text);
    const target = attested.json.token as string;
    const sgxPolicy = (mrenclave: string) =>
      new TextEncoder().encode(JSON.stringify({ version: '1.0.0', anyOf: [{ authority: sgxVault.url, allOf: [{ claim: 'x-ms-attestation-type', equals: 'sgx' }, { claim: 'x-ms-sgx-mrenclave', equals: mrenclave }, { claim: 'x-ms-sgx-is-debuggable', equals: false }] }] }));
    const client = sgxVault.client();
    const created = await client.createRsaKey('sgx-rsa', { exportable: true, releasePolicy: { encodedPolicy: sgxPolicy(world.expected.measurement) } });
    const { value } = await client.releaseKey('sgx-rsa', target);
    const blob = decodeKeyHsm(JSON.parse(Buffer.from(value.split('.')[1]!, 'base64url').toString()).response.key.key.key_hsm);
    const jwk = jwkOfReleaseMaterial('RSA', unwrapRelease(blob.enc, transfer.privateKey, blob.ciphertext));
    assert.equal(jwk.kty === 'RSA' && jwk.n, b64url(created.key!.n!));
    await client.createRsaKey('sgx-other', { exportable: true, releasePolicy: { encodedPolicy: sgxPolicy('00'.repeat(32)) } });
    const denied = await sgxCall('POST', '/keys/sgx-other/release', { target });
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.json.error.innererror.code, 'ERR_KEY_RELEASE_POLICY_DENIED');
  } finally {
    await sgxVault.server.close();
  }
});
