/**
 * Attacks on bearer authentication of the policy-management routes, sent over HTTPS to a real
 * listener in dev and production mode: a token the configured key signed for another service,
 * a token with an unknown critical header, an unsigned token, and a production start without a
 * required issuer and audience.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { isConfideError } from '@confide/core';
import { confideCode, startSecureServer, type SecureServer } from './security-helpers.js';

const ISS = 'https://idp.test/tenant';
const AUD = 'https://confide.test';
const keys = await generateKeyPair('RS256');

function token(claims: { iss?: string; aud?: string } = {}, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ sub: 'admin' })
    .setProtectedHeader({ alg: 'RS256', ...header })
    .setIssuer(claims.iss ?? ISS)
    .setAudience(claims.aud ?? AUD)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(keys.privateKey, { crit: { 'x-unknown': true } });
}

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

async function keyFile(dir: string): Promise<string> {
  const path = join(dir, 'idp.pem');
  writeFileSync(path, await exportSPKI(keys.publicKey));
  return path;
}

test('production refuses to start with a JWT public key but no required issuer and audience', async () => {
  const path = await keyFile(mkdtempSync(join(tmpdir(), 'confide-sec-key-')));
  const partial: Array<Record<string, string>> = [{}, { CONFIDE_ATTESTATION_AUTH_ISSUER: ISS }, { CONFIDE_ATTESTATION_AUTH_AUDIENCE: AUD }];
  for (const env of partial) {
    await assert.rejects(startSecureServer('production', { env: { CONFIDE_ATTESTATION_AUTH_PUBLIC_KEY: path, ...env } }), (e) => isConfideError(e, 'ERR_PRODUCTION_REFUSED'));
  }
});

for (const mode of ['dev', 'production'] as const) {
  describe(`${mode}: bearer JWTs on the policy routes`, () => {
    let s: SecureServer;
    const get = (bearer: string) => s.send('GET', '/policies/SgxEnclave?api-version=2022-08-01', { headers: { authorization: `Bearer ${bearer}` } });

    before(async () => {
      const path = await keyFile(mkdtempSync(join(tmpdir(), 'confide-sec-key-')));
      s = await startSecureServer(mode, {
        env: { CONFIDE_ATTESTATION_AUTH_PUBLIC_KEY: path, CONFIDE_ATTESTATION_AUTH_ISSUER: ISS, CONFIDE_ATTESTATION_AUTH_AUDIENCE: AUD, CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: '' },
      });
    });
    after(() => s.close());

    test('a token for the right issuer and audience passes', async () => {
      const good = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('5m').sign(keys.privateKey);
      assert.equal((await get(good)).status, 200);
    });

    test('a token the same key signed for another audience or issuer is refused', async () => {
      for (const claims of [{ aud: 'https://vault.test' }, { iss: 'https://other-idp.test' }]) {
        const other = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(claims.iss ?? ISS).setAudience(claims.aud ?? AUD).setExpirationTime('5m').sign(keys.privateKey);
        const res = await get(other);
        assert.equal(res.status, 401);
        assert.equal(confideCode(res), 'ERR_UNAUTHENTICATED');
      }
    });

    test('a token with an unknown critical header is refused, though its signature, issuer and audience are good', async () => {
      const res = await get(await token({}, { crit: ['x-unknown'], 'x-unknown': 'must be understood' }));
      assert.equal(res.status, 401);
      assert.equal(confideCode(res), 'ERR_UNAUTHENTICATED');
    });

    test('an unsigned token (alg none) with good claims is refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      const res = await get(`${b64({ alg: 'none' })}.${b64({ iss: ISS, aud: AUD, exp: now + 300 })}.`);
      assert.equal(res.status, 401);
      assert.equal(confideCode(res), 'ERR_UNAUTHENTICATED');
    });
  });
}
