import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isConfideError } from '@confide/core';
import { openSqliteStore } from '@confide/store';
import { currentPolicy, DEFAULT_POLICIES } from '../src/services/attestation/index.js';
import { createPolicyAdmin } from '../src/services/attestation/admin/index.js';
import { assertMaaError, decodePart, verifiedToken } from './maa-helpers.js';
import { adminApp, BEARER, certificateBody, changeCertificate, jws, makeSigner, putPolicy, resetPolicy, storedPolicy } from './maa-admin-helpers.js';

const POLICY = `version= 1.0;
authorizationrules { [type=="x-ms-attestation-type", value=="sim"] => permit(); };
issuancerules { c:[type=="x-ms-sim-measurement"] => issue(type="measurement", value=c.value); };
`;
const OTHER_POLICY = 'version=1.0; authorizationrules { => permit(); }; issuancerules { };';

const [alice, bob, mallory] = await Promise.all([makeSigner('alice'), makeSigner('bob', 'ES256'), makeSigner('mallory')]);

const sha256url = (s: string): string => createHash('sha256').update(s, 'ascii').digest('base64url');

/** The policy text inside the x-ms-policy JWS of a GET /policies token. */
function policyOf(innerJws: string): { header: Record<string, unknown>; text: string } {
  const [h, p] = innerJws.split('.');
  const stored = decodePart(p!) as { AttestationPolicy: string };
  return { header: decodePart(h!), text: Buffer.from(stored.AttestationPolicy, 'base64url').toString('utf8') };
}

async function tokenOf(app: Parameters<typeof verifiedToken>[0], res: { statusCode: number; body: string; json(): unknown }): Promise<Record<string, unknown>> {
  assert.equal(res.statusCode, 200, res.body);
  return (await verifiedToken(app, (res.json() as { token: string }).token)).payload;
}

test('AAD mode: an unsigned policy PUT is stored where the attest routes read it, and GET returns it', async () => {
  const { app, store } = await adminApp();
  const body = await jws(storedPolicy(POLICY));
  assert.ok(body.startsWith('eyJhbGciOiJub25lIn0.'));
  const result = await tokenOf(app, await putPolicy(app, 'Simulated', body));
  assert.equal(result['x-ms-policy-result'], 'Updated');
  assert.equal(result['x-ms-policy-token-hash'], sha256url(body));
  assert.equal(result['x-ms-policy-signer'], undefined);

  assert.deepEqual(await currentPolicy(store.policies, 'Simulated'), { text: POLICY, stored: true });
  const stored = (await store.policies.get('Simulated'))!;
  assert.equal(stored.jws, body);
  assert.equal(stored.signer, null);
  assert.equal(typeof stored.setAt, 'string');

  const got = await tokenOf(app, await app.inject({ method: 'GET', url: '/policies/simulated?api-version=2020-10-01', headers: BEARER }));
  assert.equal(got['x-ms-policy'], body);
  assert.equal(policyOf(got['x-ms-policy'] as string).text, POLICY);
});

test('GET of a type with no stored policy returns the default policy as an unsigned JWS', async () => {
  const { app } = await adminApp();
  const res = await app.inject({ method: 'GET', url: '/policies/SgxEnclave?api-version=2020-10-01', headers: BEARER });
  const inner = policyOf((await tokenOf(app, res))['x-ms-policy'] as string);
  assert.deepEqual(inner.header, { alg: 'none' });
  assert.equal(inner.text, DEFAULT_POLICIES.SgxEnclave);
  assert.equal(res.headers['x-ms-maa-service-version']?.toString().startsWith('confide-'), true);
});

test("NvidiaGpu (Confide's GPU endpoint) has a managed policy: its default permits only NVIDIA evidence, a PUT replaces it", async () => {
  const { app, store } = await adminApp();
  const res = await app.inject({ method: 'GET', url: '/policies/nvidiagpu', headers: BEARER });
  assert.equal(policyOf((await tokenOf(app, res))['x-ms-policy'] as string).text, DEFAULT_POLICIES.NvidiaGpu);
  assert.match(DEFAULT_POLICIES.NvidiaGpu, /value=="nvidiagpu"/);
  await tokenOf(app, await putPolicy(app, 'NvidiaGpu', await jws(storedPolicy(OTHER_POLICY))));
  assert.deepEqual(await currentPolicy(store.policies, 'NvidiaGpu'), { text: OTHER_POLICY, stored: true });
});

test('a policy with a syntax error is refused with 400 naming line and column; nothing is stored', async () => {
  const { app, store } = await adminApp();
  const res = await putPolicy(app, 'SgxEnclave', await jws(storedPolicy('version=1.0;\nauthorizationrules { => permit() };')));
  assertMaaError(res, 400, 'PolicyParsingError', 'ERR_POLICY_SYNTAX');
  const error = (res.json() as { error: { message: string; innererror: { details: { line: number; column: number } } } }).error;
  assert.equal(error.innererror.details.line, 2);
  assert.equal(typeof error.innererror.details.column, 'number');
  assert.match(error.message, new RegExp(`line 2, column ${error.innererror.details.column}`));
  assert.equal(await store.policies.get('SgxEnclave'), undefined);
});

test('malformed policy tokens and unknown types are refused', async () => {
  const { app } = await adminApp();
  assertMaaError(await putPolicy(app, 'SgxEnclave', 'not-a-jws'), 400, 'InvalidParameter', 'ERR_POLICY_TOKEN_INVALID');
  assertMaaError(await putPolicy(app, 'SgxEnclave', await jws('{"Other":"x"}')), 400, 'InvalidParameter', 'ERR_POLICY_TOKEN_INVALID');
  assertMaaError(await putPolicy(app, 'SgxEnclave', await jws('')), 400, 'InvalidParameter', 'ERR_POLICY_TOKEN_INVALID');
  // alg none with a signature part is not an unsigned JWS.
  assertMaaError(await putPolicy(app, 'SgxEnclave', `${await jws(storedPolicy(POLICY))}AAAA`), 400, 'InvalidParameter', 'ERR_POLICY_TOKEN_INVALID');
  assertMaaError(await putPolicy(app, 'Nope', await jws(storedPolicy(POLICY))), 404, 'NotFound', 'ERR_NOT_FOUND');
  const noReset = await app.inject({ method: 'POST', url: '/policies/SgxEnclave', headers: { 'content-type': 'text/plain', ...BEARER }, payload: 'x' });
  assertMaaError(noReset, 404, 'NotFound', 'ERR_NOT_FOUND');
});

test('AAD mode: a signed policy is accepted and its signer reported; a signature by another key than x5c is refused', async () => {
  const { app, store } = await adminApp();
  const body = await jws(storedPolicy(POLICY), mallory);
  const result = await tokenOf(app, await putPolicy(app, 'SgxEnclave', body));
  assert.deepEqual(result['x-ms-policy-signer'], { kty: 'RSA', x5c: [mallory.b64] });
  assert.deepEqual((await store.policies.get('SgxEnclave'))?.signer, { kty: 'RSA', x5c: [mallory.b64] });
  const got = await tokenOf(app, await app.inject({ method: 'GET', url: '/policies/SgxEnclave', headers: BEARER }));
  assert.equal(got['x-ms-policy'], body);

  const forged = await jws(storedPolicy(OTHER_POLICY), mallory, alice);
  assertMaaError(await putPolicy(app, 'SgxEnclave', forged), 400, 'InvalidParameter', 'ERR_POLICY_TOKEN_INVALID');
  assert.equal((await currentPolicy(store.policies, 'SgxEnclave')).text, POLICY);
});

test('reset goes back to the default policy with result Removed; a reset JWS must have an empty payload', async () => {
  const { app, store } = await adminApp();
  await tokenOf(app, await putPolicy(app, 'SevSnpVm', await jws(storedPolicy(POLICY))));
  const withPayload = await resetPolicy(app, 'SevSnpVm', await jws(storedPolicy(POLICY)));
  assertMaaError(withPayload, 400, 'InvalidParameter', 'ERR_POLICY_TOKEN_INVALID');

  const body = 'eyJhbGciOiJub25lIn0..';
  const result = await tokenOf(app, await resetPolicy(app, 'SevSnpVm', body));
  assert.equal(result['x-ms-policy-result'], 'Removed');
  assert.equal(result['x-ms-policy-token-hash'], sha256url(body));
  assert.equal(await store.policies.get('SevSnpVm'), undefined);
  assert.deepEqual(await currentPolicy(store.policies, 'SevSnpVm'), { text: DEFAULT_POLICIES.SevSnpVm, stored: false });
});

test('Tpm policies are stored and served; without one GET answers the default TPM policy', async () => {
  const { app } = await adminApp();
  const initial = await tokenOf(app, await app.inject({ method: 'GET', url: '/policies/Tpm', headers: BEARER }));
  assert.equal(policyOf(initial['x-ms-policy'] as string).text, DEFAULT_POLICIES.Tpm);
  const body = await jws(storedPolicy(OTHER_POLICY));
  await tokenOf(app, await putPolicy(app, 'Tpm', body));
  const got = await tokenOf(app, await app.inject({ method: 'GET', url: '/policies/Tpm', headers: BEARER }));
  assert.equal(policyOf(got['x-ms-policy'] as string).text, OTHER_POLICY);
});

test('isolated mode: unsigned and stranger-signed policies are refused, a management certificate may set and reset', async () => {
  const { app, store } = await adminApp({ mode: 'isolated', certificates: [alice] });
  assertMaaError(await putPolicy(app, 'SgxEnclave', await jws(storedPolicy(POLICY))), 400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED');
  assertMaaError(await putPolicy(app, 'SgxEnclave', await jws(storedPolicy(POLICY), mallory)), 400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED');
  assert.equal(await store.policies.get('SgxEnclave'), undefined);

  const body = await jws(storedPolicy(POLICY), alice);
  const result = await tokenOf(app, await putPolicy(app, 'SgxEnclave', body));
  assert.equal(result['x-ms-policy-result'], 'Updated');
  assert.equal(result['x-ms-policy-token-hash'], sha256url(body));
  assert.deepEqual(result['x-ms-policy-signer'], { kty: 'RSA', x5c: [alice.b64] });
  assert.equal((await currentPolicy(store.policies, 'SgxEnclave')).text, POLICY);

  assertMaaError(await resetPolicy(app, 'SgxEnclave', 'eyJhbGciOiJub25lIn0..'), 400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED');
  assertMaaError(await resetPolicy(app, 'SgxEnclave', await jws('', mallory)), 400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED');
  const reset = await tokenOf(app, await resetPolicy(app, 'SgxEnclave', await jws('', alice)));
  assert.equal(reset['x-ms-policy-result'], 'Removed');
  assert.deepEqual(reset['x-ms-policy-signer'], { kty: 'RSA', x5c: [alice.b64] });
  assert.equal(await store.policies.get('SgxEnclave'), undefined);
});

test('isolated mode: certificates are listed, added and removed by a management certificate, never by a stranger', async () => {
  const { app, store } = await adminApp({ mode: 'isolated', certificates: [alice] });
  const list = async (): Promise<string[]> => {
    const payload = await tokenOf(app, await app.inject({ method: 'GET', url: '/certificates?api-version=2020-10-01', headers: BEARER }));
    return (payload['x-ms-policy-certificates'] as { keys: { x5c: string[] }[] }).keys.map((k) => k.x5c[0]!).sort();
  };
  assert.deepEqual(await list(), [alice.b64]);

  assertMaaError(await changeCertificate(app, 'add', await jws(certificateBody(bob), mallory)), 400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED');
  assertMaaError(await changeCertificate(app, 'add', await jws(certificateBody(bob))), 400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED');
  assert.deepEqual(await list(), [alice.b64]);

  const added = await tokenOf(app, await changeCertificate(app, 'add', await jws(certificateBody(bob), alice)));
  assert.deepEqual(added, { ...added, 'x-ms-certificate-thumbprint': bob.thumbprint, 'x-ms-policycertificates-result': 'IsPresent' });
  assert.deepEqual(await list(), [alice.b64, bob.b64].sort());
  assert.equal((await store.managementCertificates.list()).find((c) => c.thumbprint === bob.thumbprint)?.addedBy, alice.thumbprint);

  // The new (EC) certificate now signs policies, and may remove the one that added it.
  await tokenOf(app, await putPolicy(app, 'OpenEnclave', await jws(storedPolicy(POLICY), bob)));
  const removed = await tokenOf(app, await changeCertificate(app, 'remove', await jws(certificateBody(alice), bob)));
  assert.equal(removed['x-ms-certificate-thumbprint'], alice.thumbprint);
  assert.equal(removed['x-ms-policycertificates-result'], 'IsAbsent');
  assert.deepEqual(await list(), [bob.b64]);
  assertMaaError(await putPolicy(app, 'OpenEnclave', await jws(storedPolicy(POLICY), alice)), 400, 'InvalidOperation', 'ERR_POLICY_SIGNER_UNTRUSTED');

  assertMaaError(await changeCertificate(app, 'remove', await jws(certificateBody(bob), bob)), 409, 'InvalidOperation', 'ERR_OPERATION_NOT_ALLOWED');
  assert.deepEqual(await list(), [bob.b64]);
  // A raw (unquoted) JWS body is taken too. Adding alice back needs a new request: the removal's
  // signed payload, replayed as an add, is refused (security-isolated-replay.test.ts).
  const readd = JSON.stringify({ ...(JSON.parse(certificateBody(alice)) as object), jti: 'readd-alice' });
  const raw = await app.inject({ method: 'POST', url: '/certificates:add', headers: { 'content-type': 'application/json', ...BEARER }, payload: await jws(readd, bob) });
  assert.equal((await tokenOf(app, raw))['x-ms-policycertificates-result'], 'IsPresent');
});

test('AAD mode: the certificate list is empty and changes are refused', async () => {
  const { app } = await adminApp({ certificates: [alice] });
  const payload = await tokenOf(app, await app.inject({ method: 'GET', url: '/certificates', headers: BEARER }));
  assert.deepEqual(payload['x-ms-policy-certificates'], { keys: [] });
  assertMaaError(await changeCertificate(app, 'add', await jws(certificateBody(bob), alice)), 409, 'InvalidOperation', 'ERR_OPERATION_NOT_ALLOWED');
});

test('isolated mode without any certificate refuses to start; initial certificates are stored once', async () => {
  const store = openSqliteStore(':memory:');
  const tokens = { sign: async () => 'x.y.z' };
  await assert.rejects(createPolicyAdmin({ store, tokens, mode: 'isolated' }), (e) => isConfideError(e, 'ERR_CONFIG_INVALID'));
  await assert.rejects(createPolicyAdmin({ store, tokens, mode: 'isolated', initialCertificates: ['not pem'] }), (e) => isConfideError(e, 'ERR_CONFIG_INVALID'));
  await createPolicyAdmin({ store, tokens, mode: 'isolated', initialCertificates: [alice.pem + mallory.pem] });
  assert.deepEqual((await store.managementCertificates.list()).map((r) => [r.thumbprint, r.addedBy]), [alice.thumbprint, mallory.thumbprint].sort().map((t) => [t, null]));
  // A later start with other initial certificates keeps what the store holds.
  await createPolicyAdmin({ store, tokens, mode: 'isolated', initialCertificates: [bob.pem] });
  assert.equal((await store.managementCertificates.list()).length, 2);
});
