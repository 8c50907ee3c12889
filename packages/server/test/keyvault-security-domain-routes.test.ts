/**
 * The /securitydomain routes in process: Crypto Officer only, bad input is a 4xx with a stable
 * code (never a 500, never an activation), download activates once, upload restores exactly that
 * root into a new vault and is refused on an active one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decryptShare, parseSecurityDomain, type Share } from '@confide/keyvault';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp, createKeyVaultAuth, KeyVaultService, openVaultRoot } from '../src/index.js';
import { securityDomainRoutes } from '../src/routes/keyvault/security-domain.js';
import { createSeal } from '../src/seal/index.js';
import { SecurityDomainService } from '../src/services/security-domain/index.js';
import { keyPairSync } from '@confide/test-kit/keys';

const operators = Array.from({ length: 3 }, () => keyPairSync('rsa', { modulusLength: 2048 }));
const jwks = operators.map((k) => k.publicKey.export({ format: 'jwk' }));
const officer = { authorization: 'Bearer officer-token', host: 'vault.example:8443' };
const user = { authorization: 'Bearer user-token', host: 'vault.example:8443' };

async function vault(store: Store) {
  const { root } = await openVaultRoot({ store, seal: createSeal(randomBytes(32)), generateIfAbsent: false });
  const auth = createKeyVaultAuth({
    mode: 'production',
    authorization: 'https://login.example/t',
    resource: 'https://vault.example',
    staticTokens: [{ token: 'officer-token', role: 'officer' }, { token: 'user-token', role: 'user' }],
  });
  const app = await buildApp({
    store,
    bodyLimit: 1 << 20,
    keyvault: { service: new KeyVaultService({ store, root }), auth, securityDomainRoutes: securityDomainRoutes(new SecurityDomainService({ root, store, mode: 'production' })) },
  });
  return { root, app };
}

const codeOf = (res: { json(): { error: { innererror: { code: string } } } }): string => res.json().error.innererror.code;
const wire = (s: Share) => ({ x: s.x, y: Buffer.from(s.y).toString('base64url') });

test('download: officer only; bad requests are 4xx and activate nothing; the first download activates, a second is refused', async () => {
  const store = openSqliteStore(':memory:');
  const { root, app } = await vault(store);
  try {
    const download = (headers: Record<string, string>, payload: unknown) => app.inject({ method: 'POST', url: '/securitydomain/download', headers, payload: payload as object });
    const noToken = await app.inject({ method: 'POST', url: '/securitydomain/download', headers: { host: 'vault.example:8443' } });
    assert.equal(noToken.statusCode, 401);
    const asUser = await download(user, { certificates: jwks, required: 2 });
    assert.equal(asUser.statusCode, 403);
    assert.equal(codeOf(asUser), 'ERR_FORBIDDEN');
    for (const [payload, code] of [
      [{ certificates: jwks, required: 'two' }, 'ERR_VALIDATION'],
      [{ certificates: jwks }, 'ERR_VALIDATION'],
      [{ certificates: jwks, required: 1 }, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ certificates: jwks, required: 4 }, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ certificates: jwks.slice(0, 2), required: 2 }, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ certificates: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }, ...jwks.slice(1)], required: 2 }, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ certificates: [{ x5c: ['bm90IGEgY2VydA'] }, ...jwks.slice(1)], required: 2 }, 'ERR_SECURITY_DOMAIN_INVALID'],
    ] as const) {
      const res = await download(officer, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80));
      assert.equal(codeOf(res), code);
      assert.equal(root.state(), 'uninitialized');
    }
    const ok = await download(officer, { certificates: jwks, required: 2 });
    assert.equal(ok.statusCode, 202);
    assert.equal(root.state(), 'active');
    const doc = parseSecurityDomain(ok.json().value);
    assert.equal(doc.required, 2);
    const again = await download(officer, { certificates: jwks, required: 2 });
    assert.equal(again.statusCode, 409);
    assert.equal(codeOf(again), 'ERR_KEYVAULT_ALREADY_ACTIVATED');
    const shares = [decryptShare(doc, operators[0]!.privateKey), decryptShare(doc, operators[1]!.privateKey)].map(wire);
    const upload = await app.inject({ method: 'POST', url: '/securitydomain/upload', headers: officer, payload: { value: ok.json().value, shares } });
    assert.equal(upload.statusCode, 409);
    assert.equal(codeOf(upload), 'ERR_KEYVAULT_ALREADY_ACTIVATED');
  } finally {
    await app.close();
    await store.close();
  }
});

test('upload into a new vault: officer only; fewer than the quorum, altered or malformed shares are 4xx; the quorum restores that root', async () => {
  const origin = openSqliteStore(':memory:');
  const fresh = openSqliteStore(':memory:');
  const first = await vault(origin);
  const second = await vault(fresh);
  try {
    const downloaded = await first.app.inject({ method: 'POST', url: '/securitydomain/download', headers: officer, payload: { certificates: jwks, required: 2 } });
    const value = downloaded.json().value as string;
    const doc = parseSecurityDomain(value);
    const [s0, s1, s2] = operators.map((k) => decryptShare(doc, k.privateKey)).map(wire);
    const upload = (headers: Record<string, string>, payload: unknown) => second.app.inject({ method: 'POST', url: '/securitydomain/upload', headers, payload: payload as object });
    const asUser = await upload(user, { value, shares: [s0, s1] });
    assert.equal(asUser.statusCode, 403);
    assert.equal(codeOf(asUser), 'ERR_FORBIDDEN');
    const flipped = Buffer.from(s1!.y, 'base64url');
    flipped[0]! ^= 1;
    const altered = { x: s1!.x, y: flipped.toString('base64url') };
    for (const [payload, status, code] of [
      [{ value, shares: [s0] }, 400, 'ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT'],
      [{ value, shares: [s0, s0] }, 400, 'ERR_SECURITY_DOMAIN_SHARES_INSUFFICIENT'],
      [{ value, shares: [s0, altered] }, 400, 'ERR_SECURITY_DOMAIN_SHARE_INVALID'],
      [{ value, shares: [s0, { x: 2 }] }, 400, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ value, shares: [] }, 400, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ value: '{"kind":"other"}', shares: [s0, s1] }, 400, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ value: 'not json', shares: [s0, s1] }, 400, 'ERR_SECURITY_DOMAIN_INVALID'],
      [{ shares: [s0, s1] }, 400, 'ERR_VALIDATION'],
    ] as const) {
      const res = await upload(officer, payload);
      assert.equal(res.statusCode, status, JSON.stringify(payload).slice(0, 80));
      assert.equal(codeOf(res), code);
      assert.equal(second.root.state(), 'uninitialized');
    }
    const restored = await upload(officer, { value, shares: [s2, s0] });
    assert.equal(restored.statusCode, 202);
    assert.equal(second.root.state(), 'active');
    assert.deepEqual(second.root.rootKey(), first.root.rootKey());
    const status = await second.app.inject({ method: 'GET', url: '/securitydomain/upload/pending', headers: officer });
    assert.equal(status.json().status, 'Success');
  } finally {
    await first.app.close();
    await second.app.close();
    await origin.close();
    await fresh.close();
  }
});
