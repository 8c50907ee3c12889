import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '@confide/store';
import { buildApp } from '../src/index.js';

const store = openSqliteStore(':memory:');
const app = await buildApp({ store, bodyLimit: 4096 });
after(() => app.close());

test('GET /healthz answers 200 JSON', async () => {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('GET /readyz reports the store engine', async () => {
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ready', store: 'sqlite' });
});

test('unknown route: 404 problem+json with a code', async () => {
  const res = await app.inject({ method: 'GET', url: '/no/such/thing?x=1' });
  assert.equal(res.statusCode, 404);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.code, 'ERR_NOT_FOUND');
  assert.equal(body.status, 404);
  assert.equal(body.requestId, res.headers['x-request-id']);
});

test('malformed JSON: 400 ERR_BODY_MALFORMED, not 500', async () => {
  for (const payload of ['{"a":', '', 'nul']) {
    const res = await app.inject({ method: 'POST', url: '/healthz', headers: { 'content-type': 'application/json' }, payload });
    assert.equal(res.statusCode, 400, `payload ${JSON.stringify(payload)}`);
    assert.equal(res.json().code, 'ERR_BODY_MALFORMED');
  }
});

test('oversize body: 413 ERR_BODY_TOO_LARGE', async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/healthz',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ pad: 'x'.repeat(5000) }),
  });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().code, 'ERR_BODY_TOO_LARGE');
});

test('request ids: a sane incoming x-request-id is echoed, anything else replaced', async () => {
  const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
  assert.equal(kept.headers['x-request-id'], 'abc-123');
  const replaced = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\u0000<script>' } });
  assert.match(replaced.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
});

test('GET /openapi.json describes every route; /docs renders it', async () => {
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const spec = res.json();
  assert.equal(spec.openapi, '3.1.0');
  assert.ok(spec.paths['/healthz'].get);
  assert.ok(spec.paths['/readyz'].get);
  const docs = await app.inject({ method: 'GET', url: '/docs' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.headers['content-type'] as string, /^text\/html/);
  assert.match(docs.body, /openapi\.json/);
});

test('/readyz answers 503 ERR_STORE_UNAVAILABLE when the store is gone', async () => {
  const broken = openSqliteStore(':memory:');
  const app2 = await buildApp({ store: broken, bodyLimit: 4096 });
  await broken.close();
  const res = await app2.inject({ method: 'GET', url: '/readyz' });
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().code, 'ERR_STORE_UNAVAILABLE');
  await app2.close();
});
