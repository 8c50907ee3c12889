/**
 * Production key vault tokens: JWTs from the configured issuer whose `roles` name Managed HSM
 * roles, and the challenge for every token that does not verify (wrong key, issuer, audience,
 * expired). In process: the point is the mapping, not the socket.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, type KeyObject } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { openSqliteStore } from '@confide/store';
import { buildApp, createKeyVaultAuth, KeyVaultService, openVaultRoot, roleOfName } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';

const issuerKey = await generateKeyPair('RS256');
const stranger = await generateKeyPair('RS256');
const ISSUER = 'https://login.example/tenant';
const AUDIENCE = 'https://vault.example';

const store = openSqliteStore(':memory:');
const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true });
const app = await buildApp({
  store,
  bodyLimit: 1 << 20,
  keyvault: {
    service: new KeyVaultService({ store, root }),
    auth: createKeyVaultAuth({ mode: 'production', authorization: ISSUER, resource: AUDIENCE, jwt: { publicKey: issuerKey.publicKey as unknown as KeyObject, issuer: ISSUER, audience: AUDIENCE } }),
  },
});
after(async () => {
  await app.close();
  await store.close();
});

async function token(roles: unknown, overrides: { key?: CryptoKey | KeyObject; iss?: string; aud?: string; exp?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(overrides.iss ?? ISSUER)
    .setAudience(overrides.aud ?? AUDIENCE)
    .setIssuedAt(now - 10)
    .setExpirationTime(overrides.exp ?? now + 600)
    .sign(overrides.key ?? issuerKey.privateKey);
}

const call = async (jwt: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${jwt}`, host: 'vault.example' }, ...(payload ? { payload } : {}) });

test('roles from the JWT: Crypto Officer creates, Crypto User signs, neither does the other\'s job', async () => {
  const officer = await token(['Managed HSM Crypto Officer']);
  const user = await token(['Managed HSM Crypto User']);
  const created = await call(officer, 'POST', '/keys/jwt-key/create', { kty: 'EC' });
  assert.equal(created.statusCode, 200, created.body);
  const version = (created.json().key.kid as string).split('/').pop();
  const sign = { alg: 'ES256', value: randomBytes(32).toString('base64url') };
  assert.equal((await call(user, 'POST', `/keys/jwt-key/${version}/sign`, sign)).statusCode, 200);
  const officerSigns = await call(officer, 'POST', `/keys/jwt-key/${version}/sign`, sign);
  assert.equal(officerSigns.statusCode, 403);
  assert.equal(officerSigns.json().error.innererror.code, 'ERR_FORBIDDEN');
  const userCreates = await call(user, 'POST', '/keys/other/create', { kty: 'EC' });
  assert.equal(userCreates.statusCode, 403);
  const releaseOnly = await call(await token(['Managed HSM Crypto Service Release User']), 'GET', '/keys/jwt-key/');
  assert.equal(releaseOnly.statusCode, 403);
  const noRoles = await call(await token('not a list'), 'GET', '/keys/jwt-key/');
  assert.equal(noRoles.statusCode, 403);
});

test('a JWT from another key, issuer or audience, or expired, gets the 401 challenge', async () => {
  for (const bad of [
    await token(['officer'], { key: stranger.privateKey }),
    await token(['officer'], { iss: 'https://other.example' }),
    await token(['officer'], { aud: 'https://attest.azure.net' }),
    await token(['officer'], { exp: Math.floor(Date.now() / 1000) - 3600 }),
    'not-a-jwt',
  ]) {
    const res = await call(bad, 'GET', '/keys');
    assert.equal(res.statusCode, 401, bad.slice(0, 20));
    assert.equal(res.json().error.innererror.code, 'ERR_UNAUTHENTICATED');
    assert.equal(res.headers['www-authenticate'], `Bearer authorization="${ISSUER}", resource="${AUDIENCE}"`);
  }
});

test('role names map without case, spaces or dashes; unknown names map to nothing', () => {
  assert.equal(roleOfName('Managed HSM Crypto Officer'), 'officer');
  assert.equal(roleOfName('crypto-user'), 'user');
  assert.equal(roleOfName('CryptoServiceReleaseUser'), 'release');
  assert.equal(roleOfName('Managed HSM Administrator'), undefined);
});

test('production without any verifier accepts no token; a challenge value with a quote is a configuration error', async () => {
  const auth = createKeyVaultAuth({ mode: 'production', authorization: ISSUER, resource: AUDIENCE });
  assert.equal(auth.acceptsAnyToken, false);
  await assert.rejects(auth.rolesOf('Bearer anything'), { code: 'ERR_UNAUTHENTICATED' });
  assert.throws(() => createKeyVaultAuth({ mode: 'dev', authorization: 'https://x/"y', resource: AUDIENCE }), { code: 'ERR_CONFIG_INVALID' });
});
