/**
 * Issue 14's coordinator messages, over HTTP (inject): a secret name that does not exist says
 * so, an activation blocked by an unset user-defined secret names `confide secret set`, and the
 * manifest check's violations and warnings reach the client in full, on success as well.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64 } from '@confide/core';
import { asUser, manifestFor, marbleEvidence, newHarness, recoveryKey, selfSigned, type Identity } from './marblerun-helpers.js';

const users = { alice: await selfSigned('alice'), bob: await selfSigned('bob'), carol: await selfSigned('carol') };
const recovery = { alice: recoveryKey(), bob: recoveryKey(), carol: recoveryKey() };
const base = manifestFor(users, recovery);

async function harness() {
  const h = await newHarness();
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown, user?: Identity) => {
    const res = await h.app.inject({ method, url, headers: asUser(user), ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, json: res.json() as { status: string; data: any; code?: string; details?: any; message?: string } };
  };
  return { h, call };
}

const encoded = (m: unknown) => ({ manifest: toBase64(new TextEncoder().encode(JSON.stringify(m))) });

test('a secret name the manifest does not have: 404 ERR_NOT_FOUND naming it, not "may not ReadSecret/WriteSecret"', async () => {
  const { call } = await harness();
  assert.equal((await call('POST', '/api/v2/manifest', encoded(base))).status, 200);
  const read = await call('GET', '/api/v2/secrets?s=apiTokn', undefined, users.alice);
  assert.equal(read.status, 404, JSON.stringify(read.json));
  assert.deepEqual([read.json.code, read.json.details.secret], ['ERR_NOT_FOUND', 'apiTokn']);
  const write = await call('POST', '/api/v2/secrets', { secrets: { apiTokn: { Key: toBase64(new Uint8Array([1])) } } }, users.alice);
  assert.deepEqual([write.status, write.json.code, write.json.details.secret], [404, 'ERR_NOT_FOUND', 'apiTokn']);
  // A secret that exists but is not the user's stays a permission refusal.
  assert.equal((await call('GET', '/api/v2/secrets?s=dbKey', undefined, users.alice)).json.code, 'ERR_FORBIDDEN');
});

test('an activation blocked by an unset user-defined secret names it and `confide secret set`', async () => {
  const { h, call } = await harness();
  assert.equal((await call('POST', '/api/v2/manifest', encoded(base))).status, 200);
  const marble = await selfSigned('marble');
  const evidence = await marbleEvidence(h.simKey, marble);
  const res = await call('POST', '/api/v2/marble/activate', { marbleType: 'backend', uuid: '6f0c5e5e-0000-4000-8000-000000000009', tee: 'sim', evidence }, marble);
  assert.equal(res.status, 400, JSON.stringify(res.json));
  assert.deepEqual([res.json.code, res.json.details.secret, res.json.details.hint], ['ERR_SECRET_INVALID', 'apiToken', 'confide secret set']);
  assert.match(res.json.message ?? "", /confide secret set/);
});

test('manifest violations and warnings reach the client in full: every error and warning on 400, the warnings on success', async () => {
  const { call } = await harness();
  const broken = {
    ...base,
    Marbles: { ...(base.Marbles as object), extra: { Package: 'missing-pkg' }, other: { Package: 'also-missing' } },
    Secrets: { ...(base.Secrets as object), spare: { Type: 'symmetric-key', Size: 128 } },
  };
  const bad = await call('POST', '/api/v2/manifest', encoded(broken));
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json.details.violations.map((v: any) => `${v.rule}@${v.path}`).sort(), ['marble.package-missing@Marbles.extra.Package', 'marble.package-missing@Marbles.other.Package']);
  assert.deepEqual(bad.json.details.warnings.map((v: any) => `${v.rule}@${v.path}`), ['secret.unused@Secrets.spare']);

  const spare = { ...base, Secrets: { ...(base.Secrets as object), spare: { Type: 'symmetric-key', Size: 128 } } };
  const ok = await call('POST', '/api/v2/manifest', encoded(spare));
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.deepEqual(ok.json.data.warnings.map((v: any) => `${v.rule}@${v.path}`), ['secret.unused@Secrets.spare']);
  assert.equal(typeof ok.json.data.warnings[0].message, 'string');
});
