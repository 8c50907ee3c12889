/**
 * Ledger users and roles in process: bearer JWTs from the configured issuer (the user id is the
 * token's oid) and client certificates (the user id is the SHA-256 fingerprint); Administrator,
 * Contributor and Reader each allowed exactly their calls, 403 AuthorizationFailed otherwise;
 * /app/users/{id} GET, PATCH (JSON or merge patch) and DELETE; the last Administrator stays.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ledgerApp, type LedgerApp } from './ledger-helpers.js';
import { certificateUserId } from '../src/services/ledger/index.js';

const ADMIN = '00000000-0000-4000-8000-00000000000a';
const WRITER = '00000000-0000-4000-8000-00000000000b';
const READER = '00000000-0000-4000-8000-00000000000c';
const STRANGER = '00000000-0000-4000-8000-00000000000d';
const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;
const errorOf = (r: { body: string }) => ({ code: json(r)['error'].code as string, inner: json(r)['error'].innererror.code as string });

describe('ledger users and roles', () => {
  let l: LedgerApp;
  let peer: Uint8Array | undefined;
  const certificate = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]); // any bytes: only their fingerprint names the user
  before(async () => {
    l = await ledgerApp({ jwt: true, peer: () => peer });
    await l.users.seed([ADMIN]);
  });
  after(() => l.close());
  const as = async (oid: string | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, contentType?: string) =>
    l.app.inject({
      method,
      url,
      headers: { ...(oid ? { authorization: `Bearer ${await l.token(oid)}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });

  it('an Administrator adds users with each role (JSON and merge patch) and reads them back', async () => {
    const w = await as(ADMIN, 'PATCH', `/app/users/${WRITER}?api-version=2022-05-13`, { assignedRole: 'Contributor' }, 'application/json');
    assert.equal(w.statusCode, 200);
    assert.deepEqual(json(w), { assignedRole: 'Contributor', userId: WRITER });
    const r = await as(ADMIN, 'PATCH', `/app/users/${READER.toUpperCase()}`, { assignedRole: 'Reader' }, 'application/merge-patch+json');
    assert.deepEqual(json(r), { assignedRole: 'Reader', userId: READER }, 'GUIDs are kept lower-case');
    assert.deepEqual(json(await as(ADMIN, 'GET', `/app/users/${READER}`)), { assignedRole: 'Reader', userId: READER });
  });

  it('each role may do exactly its calls; others get 403 AuthorizationFailed, strangers and bad tokens 401', async () => {
    const append = (oid: string) => as(oid, 'POST', '/app/transactions', { contents: 'x' }, 'application/json');
    assert.equal((await append(ADMIN)).statusCode, 200);
    assert.equal((await append(WRITER)).statusCode, 200);
    const readerAppend = await append(READER);
    assert.equal(readerAppend.statusCode, 403);
    assert.deepEqual(errorOf(readerAppend), { code: 'AuthorizationFailed', inner: 'ERR_FORBIDDEN' });
    for (const oid of [ADMIN, WRITER, READER]) assert.equal((await as(oid, 'GET', '/app/collections')).statusCode, 200);
    for (const oid of [WRITER, READER]) {
      const res = await as(oid, 'GET', `/app/users/${ADMIN}`);
      assert.equal(res.statusCode, 403);
      assert.deepEqual(errorOf(res), { code: 'AuthorizationFailed', inner: 'ERR_FORBIDDEN' });
      assert.equal((await as(oid, 'DELETE', `/app/users/${ADMIN}`)).statusCode, 403);
    }
    const stranger = await as(STRANGER, 'GET', '/app/collections');
    assert.equal(stranger.statusCode, 401);
    assert.deepEqual(errorOf(stranger), { code: 'InvalidAuthenticationInfo', inner: 'ERR_UNAUTHENTICATED' });
    const forged = await l.app.inject({ method: 'GET', url: '/app/collections', headers: { authorization: `Bearer ${(await l.token(ADMIN)).slice(0, -4)}AAAA` } });
    assert.deepEqual(errorOf(forged), { code: 'InvalidAuthenticationInfo', inner: 'ERR_UNAUTHENTICATED' });
    assert.deepEqual(errorOf(await as(undefined, 'GET', '/app/collections')), { code: 'InvalidAuthenticationInfo', inner: 'ERR_UNAUTHENTICATED' });
  });

  it('a client certificate is a user by its SHA-256 fingerprint, with or without colons', async () => {
    peer = certificate;
    try {
      assert.equal((await as(undefined, 'GET', '/app/collections')).statusCode, 401, 'not a user yet');
      const id = certificateUserId(certificate);
      assert.match(id, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const added = await as(ADMIN, 'PATCH', `/app/users/${id.replace(/:/g, '').toLowerCase()}`, { assignedRole: 'Reader' }, 'application/json');
      assert.deepEqual(json(added), { assignedRole: 'Reader', userId: id });
      assert.equal((await as(undefined, 'GET', '/app/collections')).statusCode, 200);
      assert.equal((await as(undefined, 'POST', '/app/transactions', { contents: 'x' }, 'application/json')).statusCode, 403);
    } finally {
      peer = undefined;
    }
  });

  it('DELETE answers 204, then the user is gone (404); the last Administrator is neither removed nor demoted (409); bad ids 400', async () => {
    const del = await as(ADMIN, 'DELETE', `/app/users/${WRITER}`);
    assert.equal(del.statusCode, 204);
    assert.equal(del.body, '');
    const gone = await as(ADMIN, 'GET', `/app/users/${WRITER}`);
    assert.equal(gone.statusCode, 404);
    assert.deepEqual(errorOf(gone), { code: 'ResourceNotFound', inner: 'ERR_LEDGER_USER_NOT_FOUND' });
    assert.deepEqual(errorOf(await as(ADMIN, 'DELETE', `/app/users/${WRITER}`)), { code: 'ResourceNotFound', inner: 'ERR_LEDGER_USER_NOT_FOUND' });
    for (const res of [await as(ADMIN, 'DELETE', `/app/users/${ADMIN}`), await as(ADMIN, 'PATCH', `/app/users/${ADMIN}`, { assignedRole: 'Reader' }, 'application/json')]) {
      assert.equal(res.statusCode, 409);
      assert.deepEqual(errorOf(res), { code: 'Conflict', inner: 'ERR_LEDGER_LAST_ADMINISTRATOR' });
    }
    assert.deepEqual(errorOf(await as(ADMIN, 'GET', '/app/users/not%20an%20id')), { code: 'InvalidInput', inner: 'ERR_LEDGER_USER_ID_INVALID' });
    assert.deepEqual(errorOf(await as(ADMIN, 'PATCH', `/app/users/${READER}`, { assignedRole: 'Owner' }, 'application/json')), { code: 'InvalidInput', inner: 'ERR_VALIDATION' });
    // With a second Administrator, the first may step down.
    await as(ADMIN, 'PATCH', `/app/users/${READER}`, { assignedRole: 'Administrator' }, 'application/json');
    assert.equal((await as(ADMIN, 'PATCH', `/app/users/${ADMIN}`, { assignedRole: 'Reader' }, 'application/json')).statusCode, 200);
  });
});

describe('ledger dev mode without a token verifier', () => {
  it('takes any bearer token or client certificate as an Administrator, and still refuses a request with neither', async () => {
    let peer: Uint8Array | undefined;
    const l = await ledgerApp({ peer: () => peer });
    try {
      assert.equal((await l.app.inject({ method: 'GET', url: `/app/users/${STRANGER}`, headers: { authorization: 'Bearer anything' } })).statusCode, 404);
      peer = new Uint8Array([1]);
      assert.equal((await l.app.inject({ method: 'POST', url: '/app/transactions', payload: { contents: 'c' } })).statusCode, 200);
      peer = undefined;
      assert.equal((await l.app.inject({ method: 'GET', url: '/app/collections' })).statusCode, 401);
    } finally {
      await l.close();
    }
  });
});

describe('ledger role hook', () => {
  it('refuses a request whose authentication fails without an Error (a rejection with undefined): it never lets it through', async () => {
    const { createLedgerAuth } = await import('../src/plugins/ledger-auth.js');
    const auth = createLedgerAuth({
      mode: 'production',
      verifyJwt: () => Promise.reject(undefined),
      roleOf: async () => 'Administrator',
      peerCertificate: () => undefined,
    });
    const hook = auth.require('Reader');
    const err = await new Promise<Error | undefined>((done) => hook({ headers: { authorization: 'Bearer x' } } as never, {} as never, done));
    assert.ok(err instanceof Error);
    assert.equal((err as Error & { code?: string }).code, 'ERR_UNAUTHENTICATED');
  });
});
