import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { openSqliteStore } from '@confide/store';
import { problemResponse } from '../src/plugins/error-responses.js';
import { problemJson, surfaceErrors } from '../src/plugins/problem.js';
import { docsRoutes, registerOpenApi } from '../src/plugins/openapi.js';
import { createSeal } from '../src/seal/index.js';
import { createTokenService } from '../src/services/attestation/tokens/index.js';
import { tokenRoutes } from '../src/routes/maa/keys.js';
import { movableClock, verifyJwt, type Jwks } from './tokens-helpers.js';

const ISSUER = 'https://maa.test.example';
const T0 = new Date('2026-01-01T00:00:00Z');
const clock = movableClock(T0);
const store = openSqliteStore(':memory:');
const tokens = await createTokenService({ store, seal: createSeal(randomBytes(32)), clock, issuer: ISSUER });
const app = Fastify();
surfaceErrors(app, problemJson, { notFound: true, response: problemResponse });
await registerOpenApi(app, 'test');
await app.register(docsRoutes);
await app.register(tokenRoutes, { tokens });
await app.ready();
after(async () => {
  await app.close();
  await store.close();
});

test('GET /certs with the SDK Accept header: application/json JWKS equal to jwks(), usable to verify a token', async () => {
  const oldKid = tokens.currentKid();
  await tokens.rotate();
  const res = await app.inject({ method: 'GET', url: '/certs', headers: { accept: 'application/jwk+json, application/json' } });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json\b/);
  const body = res.json<Jwks>();
  assert.deepEqual(body, await tokens.jwks());
  assert.equal(body.keys.length, 2);
  assert.equal(body.keys[1]?.kid, oldKid);
  for (const key of body.keys) assert.deepEqual(Object.keys(key).sort(), ['e', 'kid', 'kty', 'n', 'x5c']);
  verifyJwt(await tokens.sign({ hello: 'world' }), body, Math.floor(T0.getTime() / 1000));
});

test('GET /.well-known/openid-configuration answers the metadata', async () => {
  const res = await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json\b/);
  assert.deepEqual(res.json(), tokens.openidConfiguration());
  assert.equal(res.json().jwks_uri, `${ISSUER}/certs`);
});

test('a bearer token is ignored; other methods are not routed', async () => {
  const res = await app.inject({ method: 'GET', url: '/certs', headers: { authorization: 'Bearer whatever' } });
  assert.equal(res.statusCode, 200);
  const post = await app.inject({ method: 'POST', url: '/certs', headers: { 'content-type': 'application/json' }, payload: '{}' });
  assert.equal(post.statusCode, 404);
});

test('/openapi.json documents both routes with their response schemas', async () => {
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const certs = spec.paths['/certs'].get.responses['200'].content['application/json'].schema;
  assert.deepEqual(certs.required, ['keys']);
  assert.deepEqual(Object.keys(certs.properties.keys.items.properties).sort(), ['e', 'kid', 'kty', 'n', 'x5c']);
  const oidc = spec.paths['/.well-known/openid-configuration'].get.responses['200'].content['application/json'].schema;
  assert.ok(oidc.required.includes('claims_supported'));
});
