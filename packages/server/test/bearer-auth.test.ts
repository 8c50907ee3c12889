import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { isConfideError, type ErrorCode } from '@confide/core';
import { createBearerAuth, type BearerAuth } from '../src/plugins/bearer-auth.js';
import { loadConfig } from '../src/config/load.js';
import { assertMaaError } from './maa-helpers.js';
import { movableClock } from './tokens-helpers.js';
import { adminApp } from './maa-admin-helpers.js';

const ISS = 'https://login.test/tenant';
const AUD = 'https://attest.azure.net';
const rsa = await generateKeyPair('RS256');
const ec = await generateKeyPair('ES256');
const stranger = await generateKeyPair('RS256');
const rsaPem = await exportSPKI(rsa.publicKey);

function jwt(key: CryptoKey, claims: { iss?: string; aud?: string | string[]; exp?: number | string; nbf?: number } = {}, header: { alg?: string; kid?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const t = new SignJWT({ sub: 'admin', nbf: claims.nbf ?? now - 5 })
    .setProtectedHeader({ alg: header.alg ?? 'RS256', ...(header.kid ? { kid: header.kid } : {}) })
    .setIssuer(claims.iss ?? ISS)
    .setAudience(claims.aud ?? AUD)
    .setIssuedAt();
  if (claims.exp !== undefined) t.setExpirationTime(claims.exp);
  else t.setExpirationTime('10m');
  return t.sign(key);
}

async function refusedWith(auth: BearerAuth, header: string | undefined, code: ErrorCode = 'ERR_UNAUTHENTICATED'): Promise<void> {
  await assert.rejects(auth.authenticate(header), (e) => isConfideError(e, code));
}

test('the admin routes need a bearer token: missing -> 401 with WWW-Authenticate: Bearer; dev mode accepts any token', async () => {
  const { app } = await adminApp();
  for (const [method, url] of [['GET', '/policies/SgxEnclave'], ['PUT', '/policies/SgxEnclave'], ['POST', '/policies/SgxEnclave:reset'], ['GET', '/certificates'], ['POST', '/certificates:add']] as const) {
    const res = await app.inject({ method, url, headers: { 'content-type': 'text/plain' }, payload: method === 'GET' ? undefined : 'x' });
    assertMaaError(res, 401, 'Unauthorized', 'ERR_UNAUTHENTICATED');
    assert.equal(res.headers['www-authenticate'], 'Bearer', `${method} ${url}`);
  }
  const basic = await app.inject({ method: 'GET', url: '/policies/SgxEnclave', headers: { authorization: 'Basic YTpi' } });
  assertMaaError(basic, 401, 'Unauthorized', 'ERR_UNAUTHENTICATED');
  const ok = await app.inject({ method: 'GET', url: '/policies/SgxEnclave', headers: { authorization: 'Bearer anything-at-all' } });
  assert.equal(ok.statusCode, 200);
});

test('a refused token gets 401 with error="invalid_token"; a good static token passes', async () => {
  const { app } = await adminApp({ auth: { staticToken: 's3cret-token' } });
  const bad = await app.inject({ method: 'GET', url: '/certificates', headers: { authorization: 'Bearer s3cret-tokem' } });
  assertMaaError(bad, 401, 'Unauthorized', 'ERR_UNAUTHENTICATED');
  assert.equal(bad.headers['www-authenticate'], 'Bearer error="invalid_token"');
  const good = await app.inject({ method: 'GET', url: '/certificates', headers: { authorization: 'Bearer s3cret-token' } });
  assert.equal(good.statusCode, 200);
});

test('static token: equal passes, anything else (shorter, longer, other case) is refused', async () => {
  const auth = createBearerAuth({ mode: 'production', staticToken: 'Tok3n-value' });
  assert.equal(auth.acceptsAnyToken, false);
  await auth.authenticate('Bearer Tok3n-value');
  await auth.authenticate('bearer Tok3n-value');
  for (const t of ['Tok3n-valu', 'Tok3n-value2', 'tok3n-value', '']) await refusedWith(auth, `Bearer ${t}`);
  await refusedWith(auth, undefined);
});

test('production JWT with a PEM public key: good passes; bad issuer, audience, expiry, key or algorithm are refused', async () => {
  const auth = createBearerAuth({ mode: 'production', publicKeyPem: rsaPem, issuer: ISS, audience: AUD, clockToleranceSeconds: 5 });
  await auth.authenticate(`Bearer ${await jwt(rsa.privateKey)}`);
  await auth.authenticate(`Bearer ${await jwt(rsa.privateKey, { aud: ['other', AUD] })}`);
  await refusedWith(auth, `Bearer ${await jwt(rsa.privateKey, { iss: 'https://evil.test' })}`);
  await refusedWith(auth, `Bearer ${await jwt(rsa.privateKey, { aud: 'https://vault.azure.net' })}`);
  await refusedWith(auth, `Bearer ${await jwt(rsa.privateKey, { exp: Math.floor(Date.now() / 1000) - 60 })}`);
  await refusedWith(auth, `Bearer ${await jwt(rsa.privateKey, { nbf: Math.floor(Date.now() / 1000) + 600 })}`);
  await refusedWith(auth, `Bearer ${await jwt(stranger.privateKey)}`);
  // An EC signature cannot pass with the RSA key, and alg none / HS256 are never accepted.
  await refusedWith(auth, `Bearer ${await jwt(ec.privateKey, {}, { alg: 'ES256' })}`);
  const [h, p] = (await jwt(rsa.privateKey)).split('.');
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
  await refusedWith(auth, `Bearer ${none}`);
  const hs = await new SignJWT({ iss: ISS, aud: AUD }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(rsaPem));
  await refusedWith(auth, `Bearer ${hs}`);
  // A payload changed after signing does not verify.
  const tampered = `${h}.${Buffer.from(JSON.stringify({ iss: ISS, aud: AUD, exp: 9999999999 })).toString('base64url')}.${(await jwt(rsa.privateKey)).split('.')[2]}`;
  await refusedWith(auth, `Bearer ${tampered}`);
  // A JWT without exp is refused.
  const noExp = await new SignJWT({ iss: ISS, aud: AUD }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
  await refusedWith(auth, `Bearer ${noExp}`);
});

function jwksServer(initial: object[]): { fetch: typeof fetch; serve(keys: object[]): void; down(on: boolean): void; count(): number } {
  let served = initial;
  let fetches = 0;
  let unreachable = false;
  return {
    fetch: (async (url: string | URL | Request) => {
      fetches++;
      assert.equal(String(url), 'https://login.test/keys');
      if (unreachable) throw new Error('connection refused');
      return new Response(JSON.stringify({ keys: served }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch,
    serve: (keys) => {
      served = keys;
    },
    down: (on) => {
      unreachable = on;
    },
    count: () => fetches,
  };
}

test('production JWT with a JWKS URL: key by kid, cached; an unknown kid refetches only after the cooldown; unreachable is 503', async () => {
  const jwkA = { ...(await exportJWK(rsa.publicKey)), kid: 'a', use: 'sig' };
  const jwkB = { ...(await exportJWK(ec.publicKey)), kid: 'b' };
  const server = jwksServer([jwkA]);
  const clock = movableClock(new Date());
  const auth = createBearerAuth({ mode: 'production', jwksUrl: 'https://login.test/keys', issuer: ISS, audience: AUD, fetch: server.fetch, clock });
  await auth.authenticate(`Bearer ${await jwt(rsa.privateKey, {}, { kid: 'a' })}`);
  await auth.authenticate(`Bearer ${await jwt(rsa.privateKey, {}, { kid: 'a' })}`);
  assert.equal(server.count(), 1, 'the JWKS is cached');
  await refusedWith(auth, `Bearer ${await jwt(stranger.privateKey, {}, { kid: 'a' })}`);

  // Key rotation at the issuer: kid b is unknown; within the cooldown no refetch, after it one.
  server.serve([jwkA, jwkB]);
  const viaB = `Bearer ${await jwt(ec.privateKey, {}, { alg: 'ES256', kid: 'b' })}`;
  await refusedWith(auth, viaB);
  assert.equal(server.count(), 1);
  clock.advance(31_000);
  await auth.authenticate(viaB);
  assert.equal(server.count(), 2);

  server.down(true);
  const unreachable = createBearerAuth({ mode: 'production', jwksUrl: 'https://login.test/keys', issuer: ISS, audience: AUD, fetch: server.fetch });
  await refusedWith(unreachable, `Bearer ${await jwt(rsa.privateKey, {}, { kid: 'a' })}`, 'ERR_SERVICE_UNAVAILABLE');
  assert.throws(() => createBearerAuth({ mode: 'production', jwksUrl: 'http://login.test/keys', issuer: ISS, audience: AUD }), (e) => isConfideError(e, 'ERR_CONFIG_INVALID'));
});

// A verified token is remembered (plugins/verified-tokens.ts); each test fails if one of the three bounds is dropped.
test('a remembered token: forgotten when a fetched JWKS replaces the set (here: its key is gone)', async () => {
  const server = jwksServer([{ ...(await exportJWK(rsa.publicKey)), kid: 'a' }]);
  const clock = movableClock(new Date());
  const auth = createBearerAuth({ mode: 'production', jwksUrl: 'https://login.test/keys', issuer: ISS, audience: AUD, fetch: server.fetch, clock });
  const viaA = `Bearer ${await jwt(rsa.privateKey, {}, { kid: 'a' })}`;
  await auth.authenticate(viaA);
  await auth.authenticate(viaA);
  server.serve([{ ...(await exportJWK(ec.publicKey)), kid: 'b' }]);
  await auth.authenticate(viaA); // the set in use still has kid a, as without remembering
  clock.advance(31_000);
  await auth.authenticate(`Bearer ${await jwt(ec.privateKey, {}, { alg: 'ES256', kid: 'b' })}`);
  assert.equal(server.count(), 2, 'kid b made the verifier fetch the JWKS again');
  await refusedWith(auth, viaA);
});

test('a remembered token: no longer than the JWKS it verified with is used', async () => {
  const server = jwksServer([{ ...(await exportJWK(rsa.publicKey)), kid: 'a' }]);
  const clock = movableClock(new Date());
  const auth = createBearerAuth({ mode: 'production', jwksUrl: 'https://login.test/keys', issuer: ISS, audience: AUD, fetch: server.fetch, clock });
  await auth.authenticate(`Bearer ${await jwt(rsa.privateKey, {}, { kid: 'a' })}`); // the set is fetched now
  clock.advance(500_000);
  const viaA = `Bearer ${await jwt(rsa.privateKey, { exp: Math.floor(Date.now() / 1000) + 3600 }, { kid: 'a' })}`;
  await auth.authenticate(viaA);
  await auth.authenticate(viaA);
  server.serve([{ ...(await exportJWK(ec.publicKey)), kid: 'b' }]);
  clock.advance(101_000); // the set is 601 s old, the token remembered for 101 s
  await refusedWith(auth, viaA);
  assert.equal(server.count(), 2);
});

test('a remembered token: not past its exp (with the clock tolerance)', async () => {
  const clock = movableClock(new Date());
  const auth = createBearerAuth({ mode: 'production', publicKeyPem: rsaPem, issuer: ISS, audience: AUD, clockToleranceSeconds: 5, clock });
  const token = `Bearer ${await jwt(rsa.privateKey, { exp: Math.floor(clock.now().getTime() / 1000) + 60 })}`;
  await auth.authenticate(token);
  await auth.authenticate(token);
  clock.advance(64_000);
  await auth.authenticate(token);
  clock.advance(2_000);
  await refusedWith(auth, token);
});

test('production without any verifier refuses to start; dev without one warns once', () => {
  assert.throws(() => createBearerAuth({ mode: 'production' }), (e) => isConfideError(e, 'ERR_PRODUCTION_REFUSED'));
  assert.throws(() => createBearerAuth({ mode: 'production', publicKeyPem: 'garbage' }), (e) => isConfideError(e, 'ERR_CONFIG_INVALID'));
  const auth = createBearerAuth({ mode: 'dev' });
  assert.equal(auth.acceptsAnyToken, true);
  const warnings: unknown[] = [];
  const log = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Parameters<BearerAuth['announce']>[0];
  auth.announce(log);
  auth.announce(log);
  assert.equal(warnings.length, 1);
  createBearerAuth({ mode: 'dev', staticToken: 'x' }).announce(log);
  assert.equal(warnings.length, 1, 'no warning when tokens are verified');
});

test('config: production needs attestation.auth (JWKS, public key or static token from the environment)', () => {
  const base = { CONFIDE_MODE: 'production', CONFIDE_TLS_CERT: '/x.pem', CONFIDE_TLS_KEY: '/x.key', CONFIDE_SEAL_KEY_FILE: '/seal' };
  assert.throws(
    () => loadConfig({ env: base }),
    (e) => isConfideError(e, 'ERR_PRODUCTION_REFUSED') && (e.details?.['keys'] as string[]).includes('attestation.auth.staticToken'),
  );
  const strong = randomBytes(32).toString('hex');
  const { config } = loadConfig({ env: { ...base, CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: strong } });
  assert.equal(config.attestation.auth.staticToken, strong);
  assert.equal(config.attestation.mode, 'aad');
  const jwks = loadConfig({
    env: { ...base, CONFIDE_ATTESTATION_AUTH_JWKS_URL: 'https://login.test/keys', CONFIDE_ATTESTATION_AUTH_ISSUER: ISS, CONFIDE_ATTESTATION_AUTH_AUDIENCE: AUD, CONFIDE_ATTESTATION_MODE: 'isolated' },
  }).config;
  assert.equal(jwks.attestation.auth.jwksUrl, 'https://login.test/keys');
  assert.equal(jwks.attestation.mode, 'isolated');
});
