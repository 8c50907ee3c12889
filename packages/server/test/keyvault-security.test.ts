/**
 * The key vault's edges: the challenge (401 with the Key Vault WWW-Authenticate before the body
 * is read), roles (403 Forbidden), bad input (400 with the service's code, never a 500), an
 * uninitialized vault, and no key material in clear anywhere in the data directory.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { raw } from './keyvault-raw.js';
import { startVault } from './keyvault-helpers.js';
import { keyPairSync } from '@confide/test-kit/keys';

const officer = randomBytes(32).toString('hex');
const user = randomBytes(32).toString('hex');
const release = randomBytes(32).toString('hex');
const vault = await startVault({ CONFIDE_KEYVAULT_AUTH_TOKENS: `officer=${officer},user=${user},release=${release}`, CONFIDE_KEYVAULT_RESOURCE: 'https://vault.confide.test' });
after(() => vault.server.close());
const as = (token: string | null) => raw(vault, token);

test('no token: 401 with the Key Vault challenge, before the body is parsed (the client sends none first)', async () => {
  for (const [method, path] of [['POST', '/keys/k/create'], ['GET', '/keys'], ['POST', '/rng'], ['DELETE', '/deletedkeys/k'], ['POST', '/keys/k/v/sign']]) {
    const res = await as(null)(method!, path!, method === 'POST' ? '' : undefined, method === 'POST' ? { 'content-type': 'application/json' } : {});
    assert.equal(res.status, 401, `${method} ${path}`);
    assert.equal(res.headers['www-authenticate'], 'Bearer authorization="https://login.microsoftonline.com/common", resource="https://vault.confide.test"');
    assert.equal(res.json.error.code, 'Unauthorized');
    assert.equal(res.json.error.innererror.code, 'ERR_UNAUTHENTICATED');
  }
  const wrong = await as('not-a-configured-token')('GET', '/keys');
  assert.equal(wrong.status, 401);
  assert.ok(String(wrong.headers['www-authenticate']).startsWith('Bearer authorization='));
});

test('roles: the officer manages keys, the user uses them, release holds neither; others get 403 Forbidden', async () => {
  const created = await as(officer)('POST', '/keys/roles/create', { kty: 'EC', crv: 'P-256' });
  assert.equal(created.status, 200, created.text);
  const kid: string = created.json.key.kid;
  const version = kid.split('/').pop()!;
  const digest = randomBytes(32).toString('base64url');
  for (const [token, method, path, body] of [
    [user, 'POST', '/keys/other/create', { kty: 'EC' }],
    [release, 'POST', '/keys/other/create', { kty: 'EC' }],
    [officer, 'POST', `/keys/roles/${version}/sign`, { alg: 'ES256', value: digest }],
    [release, 'POST', `/keys/roles/${version}/sign`, { alg: 'ES256', value: digest }],
    [release, 'GET', '/keys/roles/', undefined],
    [user, 'DELETE', '/keys/roles', undefined],
    [user, 'POST', '/keys/roles/backup', undefined],
  ] as const) {
    const res = await as(token)(method, path, body);
    assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
    assert.equal(res.json.error.code, 'Forbidden');
    assert.equal(res.json.error.innererror.code, 'ERR_FORBIDDEN');
  }
  assert.equal((await as(user)('POST', `/keys/roles/${version}/sign`, { alg: 'ES256', value: digest })).status, 200);
  assert.equal((await as(user)('GET', '/keys/roles/')).status, 200);
  assert.equal((await as(officer)('GET', '/keys/roles/')).status, 200);
});

test('bad input: 400 BadParameter with a stable code, never a 500', async () => {
  const created = await as(officer)('POST', '/keys/bad-input/create', { kty: 'RSA' });
  const version = (created.json.key.kid as string).split('/').pop()!;
  const cases: Array<[string, string, unknown, string]> = [
    ['POST', '/keys/x/create', { kty: 'DSA' }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/x/create', { kty: 'RSA', key_size: 1000 }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/x/create', { kty: 'EC', crv: 'P-192' }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/x/create', { kty: 'RSA', key_ops: ['fly'] }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/x/create', { kty: 'RSA', attributes: { exportable: true } }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/x/create', { kty: 'RSA', release_policy: { data: '!!!' } }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/bad_name!/create', { kty: 'RSA' }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/x/create', '{not json', 'ERR_BODY_MALFORMED'],
    ['POST', '/keys/x/create', { key_size: 2048 }, 'ERR_VALIDATION'],
    ['PUT', '/keys/x', { key: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }, 'ERR_KEY_BAD_PARAMETER'],
    ['PUT', '/keys/x', { key: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA' } }, 'ERR_KEY_BAD_PARAMETER'],
    ['PUT', '/keys/x', { key: 'nope' }, 'ERR_VALIDATION'],
    ['POST', `/keys/bad-input/${version}/sign`, { alg: 'RS256', value: 'AAAA' }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', `/keys/bad-input/${version}/sign`, { alg: 'ES256', value: randomBytes(32).toString('base64url') }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', `/keys/bad-input/${version}/sign`, { alg: 'RS256', value: '%%%' }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', `/keys/bad-input/${version}/decrypt`, { alg: 'RSA-OAEP', value: randomBytes(256).toString('base64url') }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', `/keys/bad-input/${version}/encrypt`, { alg: 'A256GCM', value: 'AAAA' }, 'ERR_KEY_BAD_PARAMETER'],
    ['POST', '/keys/restore', { value: randomBytes(64).toString('base64url') }, 'ERR_KEY_BACKUP_INVALID'],
    ['GET', '/keys?maxresults=1000', undefined, 'ERR_KEY_BAD_PARAMETER'],
    ['PUT', '/keys/bad-input/rotationpolicy', { lifetimeActions: [{ trigger: { timeAfterCreate: 'soon' }, action: { type: 'Rotate' } }] }, 'ERR_KEY_BAD_PARAMETER'],
  ];
  for (const [method, path, body, code] of cases) {
    const token = path.includes('/sign') || path.includes('/decrypt') || path.includes('/encrypt') ? user : officer;
    const res = await as(token)(method, path, body);
    assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.json.error.code, 'BadParameter', res.text);
    assert.equal(res.json.error.innererror.code, code, `${method} ${path}: ${res.text}`);
  }
  const missing = await as(officer)('GET', '/keys/absent/0123456789abcdef0123456789abcdef');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'KeyNotFound');
  const unknown = await as(officer)('GET', '/keys/a/b/c/d');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.innererror.code, 'ERR_NOT_FOUND');
});

test('an immutable release policy cannot change (409 Conflict); a mutable one can', async () => {
  const policy = (v: string) => ({ data: Buffer.from(JSON.stringify({ version: '1.0.0', anyOf: [{ authority: v, allOf: [{ claim: 'x-ms-attestation-type', equals: 'sevsnpvm' }] }] })).toString('base64url') });
  const mutable = await as(officer)('POST', '/keys/mutable/create', { kty: 'RSA', attributes: { exportable: true }, release_policy: policy('https://a') });
  assert.equal(mutable.status, 200, mutable.text);
  assert.equal(mutable.json.attributes.exportable, true);
  assert.equal((await as(officer)('PATCH', '/keys/mutable/', { release_policy: { ...policy('https://b'), immutable: true } })).status, 200);
  const refused = await as(officer)('PATCH', '/keys/mutable/', { release_policy: policy('https://c') });
  assert.equal(refused.status, 409);
  assert.equal(refused.json.error.innererror.code, 'ERR_KEY_CONFLICT');
  const kept = await as(officer)('GET', '/keys/mutable/');
  assert.match(Buffer.from(kept.json.release_policy.data, 'base64url').toString(), /https:\/\/b/);
  assert.equal(kept.json.release_policy.immutable, true);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('the data directory holds no key material in clear (database, WAL, every file)', async () => {
  const jwk = keyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const oct = randomBytes(32);
  assert.equal((await as(officer)('PUT', '/keys/secret-ec', { key: jwk })).status, 200);
  assert.equal((await as(officer)('PUT', '/keys/secret-oct', { key: { kty: 'oct-HSM', k: oct.toString('base64url') } })).status, 200);
  const backup = await as(officer)('POST', '/keys/secret-ec/backup');
  assert.equal(backup.status, 200);
  const needles = [Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.d!), oct, Buffer.from(oct.toString('base64url')), Buffer.from(oct.toString('base64'))];
  const files = filesUnder(vault.dir);
  assert.ok(files.some((f) => f.endsWith('.sqlite')), files.join(', '));
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const needle of needles) assert.equal(bytes.indexOf(needle), -1, `${file} holds key material in clear`);
  }
  for (const needle of needles) assert.equal(Buffer.from(backup.json.value, 'base64url').indexOf(needle), -1, 'nor does a backup');
  // The public half is what the store may hold in clear; the test can see it, so it can fail.
  const publicX = Buffer.from(jwk.x!);
  assert.ok(files.some((f) => readFileSync(f).indexOf(publicX) !== -1), 'the search does find what is stored in clear');
});
