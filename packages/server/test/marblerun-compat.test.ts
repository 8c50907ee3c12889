/**
 * MarbleRun compatibility: `confide serve` with its client API listener
 * (coordinator.clientApiPort), spoken to only as MarbleRun's CLI speaks (edgelesssys/marblerun
 * api/api.go, api/v2.go, api/v1.go over api/rest/rest.go): the quote fetched without trust, then
 * every call over TLS pinned to the root certificate from it, MarbleRun's exact paths and bodies,
 * and the answers checked against the shapes its server writes (coordinator/server/v2/types.go,
 * v1/types.go, handler/handler.go). Each case names the Go source it follows.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, unlinkSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { decryptRecoveryShare, signRecoveryShare } from '@confide/coordinator';
import { loadConfig, startServer, type RunningServer } from '../src/index.js';
import { manifestFor, recoveryKey, selfSigned, type Identity } from './marblerun-helpers.js';

interface Answer {
  status: number;
  body: any;
  /** DER of the certificate the server presented. */
  presented: Buffer;
}

const dir = mkdtempSync(join(tmpdir(), 'confide-mr-compat-'));
const config = loadConfig({
  env: {
    CONFIDE_MODE: 'dev',
    CONFIDE_HOST: '127.0.0.1',
    CONFIDE_PORT: '0',
    CONFIDE_COORDINATOR_CLIENT_API_PORT: '0',
    CONFIDE_DATA_DIR: join(dir, 'data'),
    CONFIDE_LOG_LEVEL: 'silent',
  },
}).config;

let server: RunningServer | undefined;
after(async () => server?.close());

/** One call as rest.Client.do makes it: https://host:port/path, TLS pinned to `root` (rest.NewClient) or not verified at all (nil root). */
function call(root: string | undefined, method: 'GET' | 'POST', path: string, opts: { json?: unknown; raw?: string; contentType?: string; user?: Identity } = {}): Promise<Answer> {
  const url = new URL(server!.clientApiUrl!);
  const body = opts.json !== undefined ? JSON.stringify(opts.json) : opts.raw;
  const options: RequestOptions = {
    host: '127.0.0.1',
    port: Number(url.port),
    path,
    method,
    // Go verifies the IP it dialled against the root's SANs; node does the same without a servername.
    ...(root === undefined ? { rejectUnauthorized: false } : { ca: root }),
    ...(opts.user ? { cert: opts.user.pem, key: opts.user.keyPem } : {}),
    headers: {
      ...(opts.contentType ?? (opts.json !== undefined ? 'application/json' : undefined) ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
      ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}),
    },
    agent: false,
  };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const presented = (res.socket as TLSSocket).getPeerCertificate().raw;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), presented }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pems = (chain: string) => chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

/** api/api.go VerifyCoordinator: GET /api/v2/quote without trust, the root is the chain's last certificate (util.CoordinatorCertChainFromPEM). */
async function pinnedRoot(): Promise<string> {
  const q = await call(undefined, 'GET', '/api/v2/quote');
  assert.equal(q.status, 200);
  assert.equal(q.body.status, 'success');
  const [intermediate, root] = pems(q.body.data.cert);
  assert.ok(intermediate && root, 'intermediate, then root (clientapi.go GetCertQuote)');
  // The listener presents the root itself (core.go GetTLSRootCertificate).
  assert.deepEqual(q.presented, new X509Certificate(root).raw);
  return root;
}

/** JSend `error` as handler.WriteJSONError writes it: data null, a message; Confide's code beside. */
function isError(a: Answer, status: number, code: string): void {
  assert.equal(a.status, status, JSON.stringify(a.body));
  assert.equal(a.body.status, 'error');
  assert.equal(a.body.data, null);
  assert.equal(typeof a.body.message, 'string');
  assert.equal(a.body.code, code);
}

/** JSend `fail` as handler.WriteJSONFailure writes it. */
function isFail(a: Answer, status: number, code: string, data: unknown = null): void {
  assert.equal(a.status, status, JSON.stringify(a.body));
  assert.equal(a.body.status, 'fail');
  assert.deepEqual(a.body.data, data);
  assert.equal(a.body.code, code);
}

const users = { alice: await selfSigned('alice'), bob: await selfSigned('bob'), carol: await selfSigned('carol') };
const recovery = { alice: recoveryKey(), bob: recoveryKey(), carol: recoveryKey() };
const manifest = Buffer.from(JSON.stringify(manifestFor(users, recovery)));
let encryptedShares: Record<string, string> = {};

test('the client API listener presents the root; MarbleRun CLI calls pinned to it get MarbleRun shapes', async () => {
  server = await startServer(config);
  assert.ok(server.clientApiUrl, 'coordinator.clientApiPort set: the listener is up');
  const root = await pinnedRoot();

  // api/v2.go getStatusV2 -> v2.go StatusGet, StatusResponse {code, message}.
  const status = await call(root, 'GET', '/api/v2/status');
  assert.deepEqual(status.body, { status: 'success', data: { code: 2, message: 'Coordinator is ready to accept a manifest.' } });
  // api/v1.go getStatusV1 -> v1.go StatusGet, v1 StatusResponse {StatusCode, StatusMessage}.
  assert.deepEqual((await call(root, 'GET', '/status')).body.data, { StatusCode: 2, StatusMessage: 'Coordinator is ready to accept a manifest.' });
  // server.go CreateServeMux: "/" is handler.MethodNotAllowedHandler, 405 JSend error (rest.IsNotAllowedErr makes the CLI fall back to v1).
  isError(await call(root, 'GET', '/api/v2/no-such-route'), 405, 'ERR_METHOD_NOT_ALLOWED');
  isError(await call(root, 'GET', '/api/v2/recover'), 405, 'ERR_METHOD_NOT_ALLOWED');

  // v2.go ManifestPost: a body json.Decoder cannot read is WriteJSONFailure 400, data nil.
  isFail(await call(root, 'POST', '/api/v2/manifest', { raw: '{"manifest":', contentType: 'application/json' }), 400, 'ERR_BODY_MALFORMED');
  // api/v2.go manifestSetV2: {"manifest": base64}; ManifestSetResponse has no tag: "RecoverySecrets".
  const set = await call(root, 'POST', '/api/v2/manifest', { json: { manifest: b64(manifest) } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.deepEqual(Object.keys(set.body.data.RecoverySecrets).sort(), ['alice', 'bob', 'carol']);
  assert.equal(set.body.data.recoverySecrets, undefined);
  encryptedShares = set.body.data.RecoverySecrets;
  // A second manifest: clientapi SetManifest refuses, v2.go answers WriteJSONError (Confide: 409, docs/coordinator.md).
  isError(await call(root, 'POST', '/api/v2/manifest', { json: { manifest: b64(manifest) } }), 409, 'ERR_COORDINATOR_STATE');

  // api/v2.go manifestGetV2 -> ManifestGetResponse; the signature verifies under the pinned root (v1.go ManifestGet's openssl recipe).
  const got = (await call(root, 'GET', '/api/v2/manifest')).body.data;
  assert.deepEqual(Object.keys(got).sort(), ['manifest', 'manifestFingerprint', 'manifestSignatureRootECDSA']);
  assert.deepEqual(Buffer.from(got.manifest, 'base64'), manifest);
  const verify = createVerify('sha256').update(manifest);
  assert.ok(verify.verify(createPublicKey(new X509Certificate(root).publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(got.manifestSignatureRootECDSA, 'base64')));
  // api/v1.go manifestGetV1: ManifestSignatureResponse with Go's names.
  const v1manifest = (await call(root, 'GET', '/manifest')).body.data;
  assert.equal(v1manifest.ManifestSignature, got.manifestFingerprint);

  // api/api.go VerifyCoordinator with a nonce: base64.URLEncoding (v2.go QuoteGet decodes it so); '-' and '_' must be accepted.
  const nonce = Buffer.from([0xfb, 0xff, 0xfe, 0x3e]);
  const withNonce = await call(root, 'GET', `/api/v2/quote?nonce=${nonce.toString('base64url')}==`);
  assert.equal(withNonce.status, 200, JSON.stringify(withNonce.body));
  isFail(await call(root, 'GET', '/api/v2/quote?nonce=%21%21%21'), 400, 'ERR_VALIDATION');
});

test('secrets: MarbleRun user authentication, query checks and the manifest.Secret encoding', async () => {
  const root = await pinnedRoot();
  // v2.go SecretsPost / SecretsGet: handler.VerifyUser first, 401 WriteJSONFailure.
  isFail(await call(root, 'POST', '/api/v2/secrets', { json: { secrets: { apiToken: { Key: b64('x') } } } }), 401, 'ERR_UNAUTHENTICATED');
  isFail(await call(root, 'GET', '/api/v2/secrets'), 401, 'ERR_UNAUTHENTICATED');
  // Then the query: 400 WriteJSONFailure.
  isFail(await call(root, 'GET', '/api/v2/secrets', { user: users.alice }), 400, 'ERR_VALIDATION');
  isFail(await call(root, 'GET', '/api/v2/secrets?s=', { user: users.alice }), 400, 'ERR_VALIDATION');
  // api/v2.go secretSetV2: {"secrets": {name: manifest.UserSecret}}, Key as base64 bytes.
  const write = await call(root, 'POST', '/api/v2/secrets', { json: { secrets: { apiToken: { Key: b64('s3cret') } } }, user: users.alice });
  assert.deepEqual(write.body, { status: 'success', data: null });
  // A role that does not allow it: clientapi refuses, WriteJSONError (Confide: 403).
  isError(await call(root, 'GET', '/api/v2/secrets?s=apiToken', { user: users.bob }), 403, 'ERR_FORBIDDEN');
  // api/v2.go secretGetV2 -> SecretsGetResponse {secrets: map[string]manifest.Secret}: Go field names, all present.
  const read = (await call(root, 'GET', '/api/v2/secrets?s=dbKey', { user: users.bob })).body.data.secrets.dbKey;
  assert.deepEqual(Object.keys(read).sort(), ['Cert', 'Private', 'Public', 'Shared', 'Size', 'Type', 'UserDefined', 'ValidFor']);
  assert.deepEqual({ ...read, Private: undefined, Public: undefined }, { Type: 'symmetric-key', Size: 256, Shared: true, UserDefined: false, Cert: null, ValidFor: 0, Private: undefined, Public: undefined });
  assert.equal(Buffer.from(read.Private, 'base64').length, 32);
  // api/v1.go secretGetV1: the map itself is data.
  const v1 = (await call(root, 'GET', '/secrets?s=apiToken', { user: users.alice })).body.data;
  assert.equal(Buffer.from(v1.apiToken.Private, 'base64').toString(), 's3cret');
});

test('updates, the update log, sign-quote and the removed v1 recover, as MarbleRun answers them', async () => {
  const root = await pinnedRoot();
  // api/v2.go manifestLogV2: GET /api/v2/update -> UpdateLogResponse {updateLog}.
  const log = (await call(root, 'GET', '/api/v2/update')).body.data.updateLog as string[];
  assert.ok(log.length >= 2 && log.every((line) => typeof JSON.parse(line) === 'object'));
  // api/v1.go manifestLogV1: one string, lines joined by "\n" with a trailing one (v1.go UpdateGet).
  assert.equal((await call(root, 'GET', '/update')).body.data, log.join('\n') + '\n');
  // A package update (api/v2.go manifestUpdateApplyV2): UpdateApplyResponse, recoverySecrets omitted (omitzero), missingUsers nil -> null.
  const packages = { Packages: { 'worker-pkg': { SecurityVersion: 3 } } };
  const applied = await call(root, 'POST', '/api/v2/update', { json: { manifest: b64(JSON.stringify(packages)) }, user: users.alice });
  assert.deepEqual(applied.body, { status: 'success', data: { missingAcknowledgments: 0, missingUsers: null, warnings: [] } });
  // No pending update: v2.go UpdateManifestGet and UpdateCancelPost answer 404 WriteJSONError.
  isError(await call(root, 'GET', '/api/v2/update-manifest'), 404, 'ERR_NOT_FOUND');
  isError(await call(root, 'POST', '/api/v2/update-cancel', { user: users.alice }), 404, 'ERR_NOT_FOUND');
  // v2.go SignQuotePost: a body it cannot decode is 400 fail with data {"sgxQuote": "failed to parse JSON data"}.
  isFail(await call(root, 'POST', '/api/v2/sign-quote', { raw: 'nope', contentType: 'application/json' }), 400, 'ERR_BODY_MALFORMED', { sgxQuote: 'failed to parse JSON data' });
  // Evidence that does not verify: 400 fail, message "quote verification failed", data {"sgxQuote": why}.
  const bad = await call(root, 'POST', '/api/v2/sign-quote', { json: { sgxQuote: b64(new Uint8Array(10)) } });
  assert.equal(bad.status, 400);
  assert.deepEqual([bad.body.status, bad.body.message, typeof bad.body.data.sgxQuote], ['fail', 'quote verification failed', 'string']);
  // v1.go RecoverPost: 410 WriteJSONError naming /api/v2/recover.
  const gone = await call(root, 'POST', '/recover', { raw: 'x' });
  isError(gone, 410, 'ERR_API_REMOVED');
  assert.match(gone.body.message, /\/api\/v2\/recover/);
});

test('recovery as MarbleRun\'s CLI does it: throwaway root pinned, signed shares, then the real root again', async () => {
  const before = await pinnedRoot();
  await server!.close();
  // The seal key is lost: the next start is in recovery (state 1).
  unlinkSync(join(config.dataDir, 'coordinator', 'seal.key'));
  server = await startServer(config);
  // api/api.go recoverCoordinator: VerifyCoordinator, then a client pinned to the root the quote names (a throwaway one in recovery).
  const throwaway = await pinnedRoot();
  assert.notEqual(throwaway, before);
  assert.equal((await call(throwaway, 'GET', '/api/v2/status')).body.data.code, 1);
  // api/api.go RecoveryPublicKey: {algorithm, ephemeralPublicKey} (v2.go RecoveryPublicKeyGet).
  const pub = (await call(throwaway, 'GET', '/api/v2/recover/public-key')).body.data;
  assert.equal(pub.algorithm, 'RSA');
  assert.equal(createPublicKey({ key: Buffer.from(pub.ephemeralPublicKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType, 'rsa');

  const share = (name: 'alice' | 'bob' | 'carol') => decryptRecoveryShare(encryptedShares[name]!, recovery[name].privatePem);
  // api/v2.go recoverV2: RecoveryRequest {recoverySecret, recoverySecretSignature}; the signature is util.SignPKCS1v15 by the recovery key.
  const upload = (name: 'alice' | 'bob' | 'carol', signer = name) =>
    call(throwaway, 'POST', '/api/v2/recover', { json: { recoverySecret: b64(share(name)), recoverySecretSignature: b64(signRecoveryShare(share(name), recovery[signer].privatePem)) } });
  // v2.go RecoverPost: a secret of no share length that does not decrypt under the ephemeral key is 400 fail.
  isFail(await call(throwaway, 'POST', '/api/v2/recover', { json: { recoverySecret: b64(new Uint8Array(50)), recoverySecretSignature: b64('x') } }), 400, 'ERR_RECOVERY_SHARE_INVALID');
  assert.deepEqual((await upload('alice')).body.data, { remaining: 1, message: 'Secret was processed successfully. Upload the next secret. Remaining secrets: 1' });
  // A signature by another key: clientapi recover fails (recovery.go validateRecoveryKeys), WriteJSONError.
  isError(await upload('bob', 'carol'), 400, 'ERR_RECOVERY_SIGNATURE_INVALID');
  assert.equal((await call(throwaway, 'GET', '/api/v2/status')).body.data.code, 1);
  assert.equal((await upload('alice')).body.data.remaining, 1);
  assert.deepEqual((await upload('bob')).body.data, { remaining: 0, message: 'Recovery successful.' });
  // The listener presents the real root again, and the CLI's new pin is the root from before.
  assert.equal(await pinnedRoot(), before);
  assert.equal((await call(before, 'GET', '/api/v2/status')).body.data.code, 3);
});
