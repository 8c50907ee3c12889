/**
 * Each API surface is an encapsulated plugin with its own error format: an unknown path under a
 * surface's prefix answers in that surface's format, anything else in problem+json.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createMemorySealProvider } from '@confide/coordinator';
import { emptyCollateral } from '@confide/evidence';
import { openSqliteStore } from '@confide/store';
import { buildApp, composeAttestation, httpStatusOf } from '../src/index.js';
import { createSeal } from '../src/seal/index.js';
import { createTokenService } from '../src/services/attestation/tokens/index.js';
import { startServerCoordinator } from '../src/services/coordinator/index.js';

const store = openSqliteStore(':memory:');
const tokens = await createTokenService({ store, seal: createSeal(randomBytes(32)), issuer: 'https://maa.test' });
const coordinator = await startServerCoordinator({ store, seal: createMemorySealProvider(), collateral: emptyCollateral });
const app = await buildApp({ store, bodyLimit: 1 << 16, attestation: await composeAttestation({ store, tokens }), coordinator: { coordinator } });
after(async () => {
  await app.close();
  await store.close();
});

test('MarbleRun: an unknown path under /api/v2 answers JSend with ERR_NOT_FOUND', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/v2/nothing-here' });
  assert.equal(res.statusCode, 404);
  // MarbleRun's catch-all writes JSend error (handler.MethodNotAllowedHandler).
  assert.deepEqual({ status: res.json().status, code: res.json().code }, { status: 'error', code: 'ERR_NOT_FOUND' });
});

test('MAA: an unknown path or method under /attest answers as a CloudError with the MAA headers', async () => {
  const res = await app.inject({ method: 'GET', url: '/attest/SgxEnclave' });
  assert.equal(res.statusCode, 404);
  assert.deepEqual(res.json().error.innererror, { code: 'ERR_NOT_FOUND' });
  assert.equal(res.headers['x-ms-error-code'], 'NotFound');
  assert.ok(res.headers['x-ms-request-id']);
});

test('MAA: a route error answers as a CloudError; the same code on a MarbleRun route answers JSend', async () => {
  const maa = await app.inject({ method: 'POST', url: '/attest/SgxEnclave', headers: { 'content-type': 'application/json' }, payload: '{"quote":' });
  assert.equal(maa.json().error.innererror.code, 'ERR_BODY_MALFORMED');
  const mr = await app.inject({ method: 'POST', url: '/api/v2/manifest', headers: { 'content-type': 'application/json' }, payload: '{"manifest":' });
  assert.equal(mr.json().code, 'ERR_BODY_MALFORMED');
});

test('elsewhere: problem+json; the status comes from the server\'s table', async () => {
  const res = await app.inject({ method: 'GET', url: '/nothing' });
  assert.equal(res.statusCode, httpStatusOf('ERR_NOT_FOUND'));
  assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.equal(res.json().code, 'ERR_NOT_FOUND');
});
