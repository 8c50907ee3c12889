/**
 * The console's route module and its composition, in process: the page under its CSP (the OIDC
 * issuer's origin added to connect-src only when configured), hashed files immutable and gzipped
 * on request, an unknown file a problem+json 404, the overview facts, and the settings refused.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@confide/store';
import { describeTrustAnchors } from '@confide/evidence';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { buildApp, loadConfig } from '../src/index.js';
import { composeConsole } from '../src/compose/console.js';

const dir = mkdtempSync(join(tmpdir(), 'confide-console-routes-'));
const store = openSqliteStore(':memory:');
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(values: Record<string, unknown>) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(values));
  return loadConfig({ file }).config;
}

const FACTS = { services: [{ name: 'attestation', enabled: true, path: '/attest' }], ledgerId: undefined, trustAnchors: undefined, acceptsAnyToken: true };

test('console: page under a strict CSP, immutable gzipped hashed files, 404 for an unknown file, the overview facts', async () => {
  const warnings: string[] = [];
  const routes = await composeConsole(config({}), FACTS, (w) => warnings.push(w));
  assert.ok(routes, `built console expected: ${warnings.join('; ')}`);
  const app = await buildApp({ store, bodyLimit: 4096, console: routes });
  try {
    const moved = await app.inject({ url: '/console' });
    assert.equal(moved.statusCode, 308);
    assert.equal(moved.headers['location'], '/console/');

    const page = await app.inject({ url: '/console/' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-security-policy'], "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.doesNotMatch(page.body, /<script>|<style>|style=/, 'no inline script or style');
    const script = /src="\/console\/assets\/(app-[A-Z0-9]+\.js)"/.exec(page.body)![1]!;

    const plain = await app.inject({ url: `/console/assets/${script}` });
    const gzipped = await app.inject({ url: `/console/assets/${script}`, headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gzipped.rawPayload), plain.rawPayload);
    assert.ok(gzipped.rawPayload.length <= 250 * 1024, `the bundle is ${gzipped.rawPayload.length} bytes gzipped`);

    const missing = await app.inject({ url: '/console/assets/app-NOPE.js' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'ERR_NOT_FOUND');

    const info = (await app.inject({ url: '/console/api/info' })).json();
    assert.equal(info.mode, 'dev');
    assert.deepEqual(info.trustAnchors, await describeTrustAnchors());
    assert.equal(info.auth.acceptsAnyToken, true);
    assert.equal(info.auth.oidc, undefined);
  } finally {
    await app.close();
  }
});

test('console: a configured OIDC issuer is the one other origin the page may connect to', async () => {
  const routes = await composeConsole(config({ console: { oidc: { issuer: 'https://login.example.test/tenant/v2.0', clientId: 'console' } } }), FACTS, () => {});
  const app = await buildApp({ store, bodyLimit: 4096, console: routes });
  try {
    const page = await app.inject({ url: '/console/' });
    assert.match(page.headers['content-security-policy'] as string, /connect-src 'self' https:\/\/login\.example\.test;/);
    assert.deepEqual((await app.inject({ url: '/console/api/info' })).json().auth.oidc, { issuer: 'https://login.example.test/tenant/v2.0', clientId: 'console', scope: 'openid' });
  } finally {
    await app.close();
  }
});

test('console: disabled, nothing is served; an issuer without a client id, or not a URL, is refused', async () => {
  assert.equal(await composeConsole(config({ console: { enabled: false } }), FACTS, () => {}), undefined);
  await rejectsWithCode(composeConsole(config({ console: { oidc: { issuer: 'https://login.example.test' } } }), FACTS, () => {}), 'ERR_CONFIG_INVALID', { key: 'console.oidc.clientId' });
  await rejectsWithCode(composeConsole(config({ console: { oidc: { clientId: 'console' } } }), FACTS, () => {}), 'ERR_CONFIG_INVALID', { key: 'console.oidc.issuer' });
  await rejectsWithCode(composeConsole(config({ console: { oidc: { issuer: 'ftp://login.example.test', clientId: 'c' } } }), FACTS, () => {}), 'ERR_CONFIG_INVALID', { key: 'console.oidc.issuer' });
});
