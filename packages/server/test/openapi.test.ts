/**
 * The OpenAPI description and the routes stay in step: every served route is described (but the
 * description and its page), every described operation is served, and the OpenID metadata names
 * only endpoints that answer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createMemorySealProvider } from '@confide/coordinator';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { buildApp, composeAttestation, registeredRoutes } from '../src/index.js';
import { createBearerAuth } from '../src/plugins/bearer-auth.js';
import { createSeal } from '../src/seal/index.js';
import { createTokenService } from '../src/services/attestation/tokens/index.js';
import { startServerCoordinator } from '../src/services/coordinator/index.js';

const store = openSqliteStore(':memory:');
const tokens = await createTokenService({ store, seal: createSeal(randomBytes(32)), issuer: 'https://maa.test' });
const coordinator = await startServerCoordinator({ store, seal: createMemorySealProvider(), collateral: emptyCollateral });
const app = await buildApp({
  store,
  bodyLimit: 1 << 16,
  attestation: await composeAttestation({ store, tokens, admin: { mode: 'aad', auth: createBearerAuth({ mode: 'dev' }) } }),
  coordinator: { coordinator },
});
await app.ready();
after(async () => {
  await app.close();
  await store.close();
});

/** fastify's /a/:b as OpenAPI's /a/{b}; "::" is fastify's escaped literal colon (/certificates::add). */
const openApiPath = (url: string): string => url.split('::').map((part) => part.replace(/:([A-Za-z]\w*)/g, '{$1}')).join(':');

test('every registered route is in /openapi.json and every described operation is registered', async () => {
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const described = new Set(Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
  const routes = registeredRoutes(app);
  assert.ok(routes.length > 20, 'the route table is recorded');
  const served = new Set(routes.filter((r) => !r.hidden).map((r) => `${r.method} ${openApiPath(r.url)}`));
  assert.deepEqual([...served].filter((r) => !described.has(r)), [], 'served but not described');
  assert.deepEqual([...described].filter((r) => !served.has(r)), [], 'described but not served');
  assert.deepEqual(routes.filter((r) => r.hidden).map((r) => r.url).sort(), ['/docs', '/openapi.json']);
});

test('the OpenID metadata names only endpoints that answer (no /revoke that 404s)', async () => {
  const meta = (await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json() as Record<string, unknown>;
  const endpoints = Object.entries(meta).filter(([k, v]) => typeof v === 'string' && (k.endsWith('_uri') || k.endsWith('_endpoint')));
  assert.ok(endpoints.length >= 1);
  for (const [key, url] of endpoints) {
    const res = await app.inject({ method: 'GET', url: new URL(url as string).pathname });
    assert.notEqual(res.statusCode, 404, `${key} ${String(url)}`);
  }
});

test('/docs says it is loading until the description arrives, and shows request bodies', async () => {
  const page = (await app.inject({ method: 'GET', url: '/docs' })).body;
  assert.match(page, /<div id="ops"><p>Loading the API description/);
  assert.match(page, /op\.requestBody/);
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
  assert.ok(spec.paths['/attest/{type}']?.['post']?.requestBody, 'the attest body is described');
  assert.ok(spec.paths['/api/v2/marble/activate']?.['post']?.requestBody, 'the activation body is described');
});
