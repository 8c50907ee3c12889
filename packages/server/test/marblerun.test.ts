/**
 * The MarbleRun-compatible coordinator end to end through HTTP (inject, with the client
 * certificate passed through the test seam): manifest, activation, secrets, updates, restart,
 * recovery, audit log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { verifyAuditLog } from '@confide/audit';
import { createMemorySealProvider, decryptRecoveryShare, signRecoveryShare } from '@confide/coordinator';
import { fromBase64, isConfideError, toBase64 } from '@confide/core';
import { parseSimEvidence } from '@confide/evidence';
import { asUser, coordinatorApp, manifestFor, marbleEvidence, newHarness, recoveryKey, selfSigned, SIGNER, type Identity } from './marblerun-helpers.js';

const users = { alice: await selfSigned('alice'), bob: await selfSigned('bob'), carol: await selfSigned('carol') };
const stranger = await selfSigned('mallory');
const recovery = { alice: recoveryKey(), bob: recoveryKey(), carol: recoveryKey() };
const manifest = manifestFor(users, recovery);
const manifestBytes = Buffer.from(JSON.stringify(manifest));
const h = await newHarness();

type Json = { status: string; data: any; message?: string; code?: string; details?: any };

async function call(method: 'GET' | 'POST', url: string, body?: unknown, user?: Identity): Promise<{ status: number; json: Json }> {
  const res = await h.app.inject({ method, url, headers: asUser(user), ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, json: res.json() as Json };
}

function failed(res: { status: number; json: Json }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.json));
  // The JSend kind is MarbleRun's per case (marblerun-compat.test.ts pins each); Confide's code rides beside it.
  assert.ok(res.json.status === 'fail' || res.json.status === 'error', JSON.stringify(res.json));
  assert.equal(res.json.code, code);
}

async function activate(uuid: string, opts: { marbleType?: string; identity?: Identity; evidenceFor?: Identity; measurement?: Uint8Array; fields?: object } = {}) {
  const identity = opts.identity ?? (await selfSigned(uuid));
  const evidence = await marbleEvidence(h.simKey, opts.evidenceFor ?? identity, { ...(opts.measurement ? { measurement: opts.measurement } : {}), ...opts.fields });
  return call('POST', '/api/v2/marble/activate', { marbleType: opts.marbleType ?? 'backend', uuid, tee: 'sim', evidence }, identity);
}

let sharesEncrypted: Record<string, string> = {};
const uuid1 = randomUUID();

test('status 2 before a manifest; an invalid manifest lists its violations', async () => {
  const s = await call('GET', '/api/v2/status');
  assert.deepEqual(s.json, { status: 'success', data: { code: 2, message: 'Coordinator is ready to accept a manifest.' } });
  const bad = { ...manifest, Marbles: { backend: { Package: 'missing-pkg' } } };
  const res = await call('POST', '/api/v2/manifest', { manifest: toBase64(Buffer.from(JSON.stringify(bad))) });
  failed(res, 400, 'ERR_MANIFEST_INVALID');
  assert.ok(Array.isArray(res.json.details.violations) && res.json.details.violations.length >= 1);
  failed(await call('GET', '/api/v2/manifest'), 409, 'ERR_COORDINATOR_STATE');
});

test('setting the manifest returns one encrypted recovery share per key; a second set is refused', async () => {
  const res = await call('POST', '/api/v2/manifest', { manifest: toBase64(manifestBytes) });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  sharesEncrypted = res.json.data.RecoverySecrets;
  assert.deepEqual(Object.keys(sharesEncrypted).sort(), ['alice', 'bob', 'carol']);
  assert.equal((await call('GET', '/api/v2/status')).json.data.code, 3);
  failed(await call('POST', '/api/v2/manifest', { manifest: toBase64(manifestBytes) }), 409, 'ERR_COORDINATOR_STATE');
});

test('GET manifest: the bytes as set, their SHA-256, signed by the root that the quote binds', async () => {
  const m = (await call('GET', '/api/v2/manifest')).json.data;
  assert.deepEqual(Buffer.from(fromBase64(m.manifest)), manifestBytes);
  assert.equal(m.manifestFingerprint, createHash('sha256').update(manifestBytes).digest('hex'));
  const nonce = Buffer.from('fresh nonce');
  const q = (await call('GET', `/api/v2/quote?nonce=${nonce.toString('base64url')}`)).json.data;
  const certs = (q.cert as string).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
  assert.equal(certs.length, 2);
  const root = new X509Certificate(certs[1]!);
  const evidence = parseSimEvidence(fromBase64(q.quote));
  const expected = createHash('sha256').update(Buffer.concat([root.raw, nonce])).digest();
  assert.deepEqual(Buffer.from(evidence.reportData.subarray(0, 32)), expected);
  const { verify } = await import('node:crypto');
  assert.ok(verify('sha256', manifestBytes, { key: root.publicKey, dsaEncoding: 'der' }, fromBase64(m.manifestSignatureRootECDSA)));
});

test('a sim marble activates once its user-defined secret is set: certificate for its UUID, rendered files and env, argv', async () => {
  failed(await activate(uuid1), 400, 'ERR_SECRET_INVALID');
  assert.equal((await call('POST', '/api/v2/secrets', { secrets: { apiToken: { Data: 'first' } } }, users.alice)).status, 200);
  const res = await activate(uuid1);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const d = res.json.data;
  const leaf = new X509Certificate(d.certificate);
  assert.equal(leaf.subject, `CN=${uuid1}`);
  assert.equal(Buffer.from(fromBase64(d.parameters.files['/run/config.txt'])).toString(), 'hello');
  assert.equal(Buffer.from(fromBase64(d.parameters.files['/run/tls.crt'])).toString(), leaf.toString());
  assert.match(Buffer.from(fromBase64(d.parameters.env.DB_KEY)).toString(), /^[0-9a-f]{64}$/);
  assert.deepEqual(d.parameters.argv, ['backend', '--serve']);
  assert.equal(Buffer.from(fromBase64(d.parameters.env.API_TOKEN)).toString(), 'first');
});

test('activation refusals: wrong measurement 403, evidence for another key, no client certificate, unknown marble', async () => {
  failed(await activate(randomUUID(), { measurement: new Uint8Array(32).fill(1) }), 403, 'ERR_ACTIVATION_REFUSED');
  failed(await activate(randomUUID(), { evidenceFor: await selfSigned('other') }), 400, 'ERR_EVIDENCE_BINDING_MISMATCH');
  const id = await selfSigned('x');
  const res = await h.app.inject({ method: 'POST', url: '/api/v2/marble/activate', payload: { marbleType: 'backend', uuid: randomUUID(), tee: 'sim', evidence: await marbleEvidence(h.simKey, id) } });
  assert.equal(res.statusCode, 401);
  failed(await activate(randomUUID(), { marbleType: 'nope' }), 403, 'ERR_ACTIVATION_REFUSED');
});

// MarbleRun coordinator/core/marbleapi.go: every successful activation counts (IncrementActivations per type),
// the refused one with the unset secret above did not; a known UUID is refused too once the type is full.
test('MaxActivations counts every activation as MarbleRun does: a known UUID is refused too once the type is full', async () => {
  assert.equal((await activate(randomUUID())).status, 200);
  failed(await activate(randomUUID()), 409, 'ERR_MAX_ACTIVATIONS');
  failed(await activate(uuid1), 409, 'ERR_MAX_ACTIVATIONS');
});

test('users read and write secrets only as their roles allow', async () => {
  assert.equal((await call('POST', '/api/v2/secrets', { secrets: { apiToken: { Key: toBase64(Buffer.from('s3cret')) } } }, users.alice)).status, 200);
  failed(await call('POST', '/api/v2/secrets', { secrets: { apiToken: { Key: toBase64(Buffer.from('x')) } } }, users.bob), 403, 'ERR_FORBIDDEN');
  failed(await call('POST', '/api/v2/secrets', { secrets: { apiToken: { Key: 'eA==' } } }, stranger), 401, 'ERR_UNAUTHENTICATED');
  failed(await call('POST', '/api/v2/secrets', { secrets: { apiToken: { Key: 'eA==' } } }), 401, 'ERR_UNAUTHENTICATED');
  const a = await call('GET', '/api/v2/secrets?s=apiToken', undefined, users.alice);
  assert.equal(Buffer.from(fromBase64(a.json.data.secrets.apiToken.Private)).toString(), 's3cret');
  const b = await call('GET', '/api/v2/secrets?s=dbKey', undefined, users.bob);
  assert.equal(fromBase64(b.json.data.secrets.dbKey.Private).length, 32);
  failed(await call('GET', '/api/v2/secrets?s=apiToken', undefined, users.bob), 403, 'ERR_FORBIDDEN');
  failed(await call('GET', '/api/v2/secrets?s=dbKey', undefined, users.carol), 403, 'ERR_FORBIDDEN');
});

test('package update: SecurityVersion up by a user with the role; downgrade and others refused', async () => {
  const up = (v: number) => ({ manifest: toBase64(Buffer.from(JSON.stringify({ Packages: { 'worker-pkg': { SecurityVersion: v } } }))) });
  failed(await call('POST', '/api/v2/update', up(3), users.bob), 403, 'ERR_FORBIDDEN');
  const ok = await call('POST', '/api/v2/update', up(3), users.alice);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.data.missingAcknowledgments, 0);
  failed(await call('POST', '/api/v2/update', up(2), users.alice), 400, 'ERR_MANIFEST_INVALID');
  // a worker at SVN 2 no longer matches; at 3 it does
  failed(await activate(randomUUID(), { marbleType: 'worker', fields: { signer: SIGNER, productId: 3, svn: 2 } }), 403, 'ERR_ACTIVATION_REFUSED');
  assert.equal((await activate(randomUUID(), { marbleType: 'worker', fields: { signer: SIGNER, productId: 3, svn: 3 } })).status, 200);
});

let updatedBytes: Buffer;
test('full manifest update needs 2 of 3 acknowledgements; shared secrets are kept', async () => {
  const dbKeyBefore = (await call('GET', '/api/v2/secrets?s=dbKey', undefined, users.bob)).json.data.secrets.dbKey.Private;
  const next = structuredClone(manifest) as any;
  next.Marbles.backend.MaxActivations = 5;
  updatedBytes = Buffer.from(JSON.stringify(next));
  const body = { manifest: toBase64(updatedBytes) };
  failed(await call('POST', '/api/v2/update', body, stranger), 401, 'ERR_UNAUTHENTICATED');
  const first = await call('POST', '/api/v2/update', body, users.alice);
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.equal(first.json.data.missingAcknowledgments, 1);
  assert.deepEqual(first.json.data.missingUsers, ['bob', 'carol']);
  const pending = (await call('GET', '/api/v2/update-manifest')).json.data;
  assert.deepEqual(Buffer.from(fromBase64(pending.manifest)), updatedBytes);
  failed(await call('POST', '/api/v2/update-manifest', { manifest: toBase64(manifestBytes) }, users.bob), 400, 'ERR_VALIDATION');
  const second = await call('POST', '/api/v2/update-manifest', body, users.bob);
  assert.equal(second.json.data.missingAcknowledgments, 0);
  assert.equal((await call('GET', '/api/v2/manifest')).json.data.manifestFingerprint, createHash('sha256').update(updatedBytes).digest('hex'));
  failed(await call('GET', '/api/v2/update-manifest'), 404, 'ERR_NOT_FOUND');
  assert.equal((await call('GET', '/api/v2/secrets?s=dbKey', undefined, users.bob)).json.data.secrets.dbKey.Private, dbKeyBefore);
  // MaxActivations is now 5 over the 2 counted before: uuid1 re-activates, and the uploaded value reaches its environment
  const act = await activate(uuid1);
  assert.equal(act.status, 200, JSON.stringify(act.json));
  assert.equal(Buffer.from(fromBase64(act.json.data.parameters.env.API_TOKEN)).toString(), 's3cret');
  assert.equal((await activate(randomUUID())).status, 200);
  const log = (await call('GET', '/api/v2/update')).json.data.updateLog as string[];
  assert.ok(log.map((l) => JSON.parse(l).update).includes('manifest updated'));
});

test('a pending update can be cancelled by an updater', async () => {
  const next = structuredClone(manifest) as any;
  next.Marbles.backend.MaxActivations = 9;
  assert.equal((await call('POST', '/api/v2/update', { manifest: toBase64(Buffer.from(JSON.stringify(next))) }, users.carol)).status, 200);
  assert.equal((await call('POST', '/api/v2/update-cancel', undefined, users.alice)).status, 200);
  failed(await call('POST', '/api/v2/update-cancel', undefined, users.alice), 404, 'ERR_NOT_FOUND');
});

test('sign-quote verifies evidence and signs it with the root key', async () => {
  const id = await selfSigned('q');
  const res = await call('POST', '/api/v2/sign-quote', { sgxQuote: await marbleEvidence(h.simKey, id) });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.data.tcbStatus, 'UpToDate');
  failed(await call('POST', '/api/v2/sign-quote', { sgxQuote: toBase64(new Uint8Array(10)) }), 400, 'ERR_EVIDENCE_MALFORMED');
});

test('a restart on the same store and seal key keeps every piece of state', async () => {
  const app2 = await coordinatorApp(h.store, h.seal, h.simKey);
  const status = await app2.inject({ method: 'GET', url: '/api/v2/status' });
  assert.equal(status.json().data.code, 3);
  const m = (await app2.inject({ method: 'GET', url: '/api/v2/manifest' })).json().data;
  assert.equal(m.manifestFingerprint, createHash('sha256').update(updatedBytes).digest('hex'));
  const s = await app2.inject({ method: 'GET', url: '/api/v2/secrets?s=apiToken', headers: asUser(users.alice) });
  assert.equal(Buffer.from(fromBase64(s.json().data.secrets.apiToken.Private)).toString(), 's3cret');
  await app2.close();
});

test('lost seal key: recovery (quote still served), 2 of 3 shares, accepting marbles again', async () => {
  const app3 = await coordinatorApp(h.store, createMemorySealProvider(), h.simKey);
  const get = async (url: string) => (await app3.inject({ method: 'GET', url })).json();
  assert.equal((await get('/api/v2/status')).data.code, 1);
  assert.equal((await get('/api/v2/quote')).status, 'success');
  assert.equal((await app3.inject({ method: 'GET', url: '/api/v2/manifest' })).statusCode, 409);
  const share = (name: 'alice' | 'bob' | 'carol') => {
    const plain = decryptRecoveryShare(sharesEncrypted[name]!, recovery[name].privatePem);
    return { recoverySecret: toBase64(plain), recoverySecretSignature: toBase64(signRecoveryShare(plain, recovery[name].privatePem)) };
  };
  const bogus = await app3.inject({ method: 'POST', url: '/api/v2/recover', payload: { recoverySecret: toBase64(new Uint8Array(33).fill(1)), recoverySecretSignature: 'AAAA' } });
  assert.equal(bogus.json().code, 'ERR_RECOVERY_SHARE_INVALID');
  const unsigned = await app3.inject({ method: 'POST', url: '/api/v2/recover', payload: { recoverySecret: share('carol').recoverySecret } });
  assert.equal(unsigned.json().code, 'ERR_RECOVERY_SIGNATURE_INVALID');
  const r1 = (await app3.inject({ method: 'POST', url: '/api/v2/recover', payload: share('carol') })).json();
  assert.equal(r1.data.remaining, 1);
  const dup = await app3.inject({ method: 'POST', url: '/api/v2/recover', payload: share('carol') });
  assert.equal(dup.json().code, 'ERR_RECOVERY_SHARE_DUPLICATE');
  const r2 = (await app3.inject({ method: 'POST', url: '/api/v2/recover', payload: share('alice') })).json();
  assert.deepEqual(r2.data, { remaining: 0, message: 'Recovery successful.' });
  assert.equal((await get('/api/v2/status')).data.code, 3);
  assert.equal((await get('/api/v2/manifest')).data.manifestFingerprint, createHash('sha256').update(updatedBytes).digest('hex'));
  await app3.close();
});

test('the audit log verifies offline with the audit key; an edited entry is detected', async () => {
  const app4 = await coordinatorApp(h.store, h.seal, h.simKey).catch(() => undefined);
  // After recovery the data key is wrapped under the new (memory) provider's key: the old one no longer opens it.
  assert.equal((await app4!.inject({ method: 'GET', url: '/api/v2/status' })).json().data.code, 1);
  await app4!.close();
  const key = (await call('GET', '/api/v2/audit-log/public-key')).json.data;
  const log = (await h.app.inject({ method: 'GET', url: '/api/v2/audit-log' })).body;
  const result = await verifyAuditLog(log, key.publicKeyJwk);
  const types = log.trim().split('\n').map((l) => JSON.parse(l).type);
  for (const t of ['manifest.set', 'marble.activate', 'secret.write', 'package.update', 'manifest.update', 'manifest.update.cancel', 'recovery.complete']) assert.ok(types.includes(t), t);
  assert.equal(result.count, types.length);
  const edited = log.replace('"marbleType":"backend"', '"marbleType":"evil"');
  assert.notEqual(edited, log);
  await assert.rejects(verifyAuditLog(edited, key.publicKeyJwk), (err) => isConfideError(err, 'ERR_AUDIT_LOG_INVALID'));
});

test('the audit log after a seq: exactly the lines after it, which continue the head verified before; a bad after is ERR_VALIDATION', async () => {
  const lines = (await h.app.inject({ method: 'GET', url: '/api/v2/audit-log' })).body.trim().split('\n');
  const key = (await call('GET', '/api/v2/audit-log/public-key')).json.data;
  assert.ok(lines.length >= 4);
  const cut = 2;
  const after = await h.app.inject({ method: 'GET', url: `/api/v2/audit-log?after=${cut}` });
  assert.equal(after.statusCode, 200);
  assert.match(after.headers['content-type'] as string, /^application\/x-ndjson/);
  assert.deepEqual(after.body.trim().split('\n'), lines.slice(cut));
  const head = JSON.parse(lines[cut - 1]!) as { seq: number; hash: string };
  const more = await verifyAuditLog(after.body, key.publicKeyJwk, { after: { seq: head.seq, hash: head.hash } });
  assert.deepEqual([more.count, more.headSeq, more.headHash], [lines.length - cut, key.headSeq, key.headHash]);
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/v2/audit-log?after=0' })).body, lines.join('\n') + '\n');
  assert.equal((await h.app.inject({ method: 'GET', url: `/api/v2/audit-log?after=${key.headSeq}` })).body, '', 'nothing after the head');
  for (const bad of ['-1', 'abc', '01', '1.5', '9'.repeat(16), '']) {
    const res = await h.app.inject({ method: 'GET', url: `/api/v2/audit-log?after=${bad}` });
    assert.equal(res.statusCode, 400, bad);
    assert.equal(res.json().code, 'ERR_VALIDATION', bad);
  }
});
