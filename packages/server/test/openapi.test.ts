/**
 * The OpenAPI description and the routes stay in step: every served route is described (but the
 * description and its page), every described operation is served, and the OpenID metadata names
 * only endpoints that answer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { createMemorySealProvider } from '@confide/coordinator';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { buildApp, composeAttestation, createKeyVaultAuth, KeyVaultService, openVaultRoot, registeredRoutes, ServerError } from '../src/index.js';
import { createBearerAuth } from '../src/plugins/bearer-auth.js';
import { jsendErrorResponse, maaErrorResponse, problemResponse, type ErrorResponse } from '../src/plugins/error-responses.js';
import { problemJson, surfaceErrors, type ErrorSerializer } from '../src/plugins/problem.js';
import { maaSerializer } from '../src/routes/maa/errors.js';
import { jsendSerializer } from '../src/routes/marblerun/errors.js';
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
  keyvault: {
    service: new KeyVaultService({ store, root: (await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: true })).root }),
    auth: createKeyVaultAuth({ mode: 'dev', authorization: 'https://login.example/t', resource: 'https://vault.example' }),
  },
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

interface Responses {
  [status: string]: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

test('every operation documents a 4xx error in its surface shape, and /docs lists responses', async () => {
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses?: Responses }>> };
  const ops = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
  assert.ok(ops.length > 20);
  for (const { path, method, op } of ops) {
    const errors = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith('4'));
    assert.ok(errors.length >= 1, `${method} ${path} has no 4xx response`);
    for (const [status, res] of errors) {
      const [mediaType, content] = Object.entries(res.content ?? {})[0] ?? [];
      const props = Object.keys(content?.schema?.properties ?? {});
      assert.ok(props.length > 0, `${method} ${path} ${status} has no schema`);
      // Each surface's own shape: MarbleRun JSend, MAA CloudError, Confide problem+json.
      if (path.startsWith('/api/v2/')) assert.ok(props.includes('status') && props.includes('data'), `${method} ${path}`);
      else if (props.includes('error')) assert.equal(mediaType, 'application/json');
      else assert.deepEqual([mediaType, props.includes('code')], ['application/problem+json', true], `${method} ${path}`);
    }
  }
  assert.ok(spec.paths['/attest/{type}']?.['post']?.responses?.['4XX']?.content?.['application/json']?.schema?.properties?.['error'], 'MAA attest: CloudError');
  assert.ok(spec.paths['/healthz'] === undefined || spec.paths['/healthz']['get']?.responses?.['4XX']?.content?.['application/problem+json']);
  const page = (await app.inject({ method: 'GET', url: '/docs' })).body;
  assert.match(page, /op\.responses/);
});

test('documented error responses do not strip fields from real error replies', async () => {
  const maa = await app.inject({ method: 'POST', url: '/attest/SgxEnclave?api-version=2022-08-01', payload: { quote: '!!' } });
  assert.ok(maa.statusCode >= 400 && maa.statusCode < 500, String(maa.statusCode));
  const cloud = maa.json() as { error: { code: string; message: string; innererror: { code: string } } };
  assert.ok(cloud.error.code && cloud.error.message && cloud.error.innererror.code.startsWith('ERR_'), maa.body);
  const mr = await app.inject({ method: 'POST', url: '/api/v2/marble/activate', payload: { nope: 1 } });
  const fail = mr.json() as { status: string; message: string; data: unknown; code: string };
  assert.equal(fail.status, 'fail', mr.body);
  assert.ok(fail.message && fail.code.startsWith('ERR_') && fail.data === null, mr.body);
  const kv = await app.inject({ method: 'POST', url: '/keys/k/create?api-version=7.6', headers: { authorization: 'Bearer x', host: 'vault.example' }, payload: { kty: 'DSA' } });
  assert.equal(kv.statusCode, 400, kv.body);
  assert.deepEqual(kv.json().error.code, 'BadParameter');
  assert.equal(kv.json().error.innererror.code, 'ERR_KEY_BAD_PARAMETER');
  const sys = await app.inject({ method: 'GET', url: '/no-such-route' });
  const problem = sys.json() as Record<string, unknown>;
  for (const key of ['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId']) assert.ok(key in problem, `${key} in ${sys.body}`);
});

test('each surface\'s documented error schema keeps every field of a reply, details included', async () => {
  const surfaces: [ErrorSerializer, ErrorResponse, (body: Record<string, any>) => unknown][] = [
    [problemJson, problemResponse, (b) => b['details']],
    [maaSerializer, maaErrorResponse, (b) => b['error']['innererror']['details']],
    [jsendSerializer, jsendErrorResponse, (b) => b['details']],
  ];
  for (const [serializer, response, detailsOf] of surfaces) {
    const probe = Fastify();
    surfaceErrors(probe, serializer, { notFound: true, response });
    probe.get('/x', { schema: { response: { 200: { type: 'object' } } } }, async () => {
      throw new ServerError('ERR_MANIFEST_INVALID', 'bad', { details: { path: 'Packages.a', nested: { deep: [1, 2] } } });
    });
    const res = await probe.inject({ method: 'GET', url: '/x' });
    await probe.close();
    assert.equal(res.statusCode, 400);
    assert.deepEqual(detailsOf(res.json()), { path: 'Packages.a', nested: { deep: [1, 2] } }, res.body);
    assert.match(res.body, /ERR_MANIFEST_INVALID/);
  }
});
