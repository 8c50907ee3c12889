/** MAA attest endpoint with simulated evidence: request forms, bindings, policies, errors, dev/production. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { createSimEvidence } from '@confide/evidence';
import { evaluatePolicy, parsePolicy, policyHash } from '@confide/policy';
import { DEFAULT_POLICIES } from '../src/index.js';
import { assertMaaError, attest, b64url, decodePart, testApp, verifiedToken } from './maa-helpers.js';

const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
const MEASUREMENT = new Uint8Array(32).fill(0xab);
const sha256 = (data: string | Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

function simEvidence(reportData?: Uint8Array, debug = false): Promise<Uint8Array> {
  return createSimEvidence(keys, { measurement: MEASUREMENT, productId: 7, svn: 3, debug, ...(reportData ? { reportData } : {}) });
}

const dev = await testApp({ simulationKeys: [keys.publicKey] });
const prod = await testApp();
after(async () => {
  await dev.app.close();
  await prod.app.close();
});

test('Simulated: JSON runtimeData bound by SHA-256 gives a signed token with x-ms-runtime as an object', async () => {
  const runtime = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'tee-wrap-key', e: 'AQAB', n: 'xyz' }] });
  const evidence = await simEvidence(sha256(runtime));
  const res = await attest(dev.app, 'Simulated', {
    quote: b64url(evidence),
    runtimeData: { data: b64url(runtime), dataType: 'JSON' },
    nonce: 'abc123',
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(typeof res.headers['x-ms-request-id'], 'string');
  assert.match(res.headers['x-ms-maa-service-version'] as string, /^confide-/);
  const { payload } = await verifiedToken(dev.app, (res.json() as { token: string }).token);
  assert.deepEqual(payload['x-ms-runtime'], JSON.parse(runtime));
  assert.equal(payload['x-ms-attestation-type'], 'sim');
  assert.equal(payload['x-ms-sim-measurement'], 'ab'.repeat(32));
  assert.equal(payload['x-ms-sim-product-id'], 7);
  assert.equal(payload['x-ms-sim-svn'], 3);
  assert.equal(payload['x-ms-sim-is-debuggable'], false);
  assert.equal(payload['x-ms-sim-reportdata'], Buffer.from(sha256(runtime)).toString('hex') + '00'.repeat(32));
  assert.equal(payload['x-ms-ver'], '1.0');
  assert.equal(payload['nonce'], 'abc123');
  assert.equal(payload['iss'], 'https://maa.test');
  assert.equal(payload['x-ms-policy-hash'], await policyHash(DEFAULT_POLICIES.Simulated));
  assert.equal(payload['x-confide-tcb-status'], 'UpToDate');
  assert.deepEqual(payload['x-confide-advisory-ids'], []);
  assert.equal(payload['x-confide-collateral-expired'], false);
  assert.equal(payload['exp'], (payload['iat'] as number) + 8 * 3600);
  assert.match(payload['jti'] as string, /^[0-9a-f]{64}$/);
});

test('Simulated: padded base64 and `report` are accepted; a numeric nonce is echoed as a string', async () => {
  const evidence = await simEvidence();
  const padded = Buffer.from(evidence).toString('base64');
  assert.match(padded, /=$/);
  const res = await attest(dev.app, 'Simulated', { report: padded, nonce: 18446744073 });
  assert.equal(res.statusCode, 200, res.body);
  const { payload } = await verifiedToken(dev.app, (res.json() as { token: string }).token);
  assert.equal(payload['nonce'], '18446744073');
  assert.equal(payload['x-ms-runtime'], undefined);
});

test('runtimeData that does not hash to the report data: 400 InvalidParameter / ERR_EVIDENCE_BINDING_MISMATCH', async () => {
  const evidence = await simEvidence(sha256('the real data'));
  const res = await attest(dev.app, 'Simulated', { quote: b64url(evidence), runtimeData: { data: b64url('other data'), dataType: 'Binary' } });
  assertMaaError(res, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  const ok = await attest(dev.app, 'Simulated', { quote: b64url(evidence), runtimeData: { data: b64url('the real data'), dataType: 'Binary' } });
  assert.equal(ok.statusCode, 200);
});

test('draftPolicyForAttestation: evaluated instead of the stored policy, token unsigned (alg none)', async () => {
  const draft = 'version=1.0; authorizationrules{ => permit(); }; issuancerules{ c:[type=="x-ms-sim-svn"] => issue(type="draft-svn", value=c.value); };';
  const res = await attest(dev.app, 'Simulated', { quote: b64url(await simEvidence()), draftPolicyForAttestation: draft });
  assert.equal(res.statusCode, 200, res.body);
  const [h, p, s] = (res.json() as { token: string }).token.split('.');
  assert.equal(decodePart(h!)['alg'], 'none');
  assert.equal(s, '');
  const payload = decodePart(p!);
  assert.equal(payload['draft-svn'], 3);
  assert.equal(payload['x-ms-policy-hash'], await policyHash(draft));
});

test('a policy that denies: 400 PolicyEvaluationError / ERR_POLICY_DENIED (draft and stored)', async () => {
  const deny = 'version=1.0; authorizationrules{ [type=="x-ms-sim-is-debuggable", value==true] => deny(); => permit(); };';
  const debugEvidence = b64url(await simEvidence(undefined, true));
  assertMaaError(await attest(dev.app, 'Simulated', { quote: debugEvidence, draftPolicyForAttestation: deny }), 400, 'PolicyEvaluationError', 'ERR_POLICY_DENIED');
  const permitted = await attest(dev.app, 'Simulated', { quote: b64url(await simEvidence()), draftPolicyForAttestation: deny });
  assert.equal(permitted.statusCode, 200);

  await dev.store.policies.put({ type: 'Simulated', text: deny, jws: '', signer: null, setAt: new Date().toISOString() });
  try {
    assertMaaError(await attest(dev.app, 'Simulated', { quote: debugEvidence }), 400, 'PolicyEvaluationError', 'ERR_POLICY_DENIED');
    const ok = await attest(dev.app, 'Simulated', { quote: b64url(await simEvidence()) });
    assert.equal(ok.statusCode, 200);
    const { payload } = await verifiedToken(dev.app, (ok.json() as { token: string }).token);
    assert.equal(payload['x-ms-policy-hash'], await policyHash(deny));
  } finally {
    await dev.store.policies.delete('Simulated');
  }
});

test('a draft policy with a syntax error: 400 PolicyParsingError / ERR_POLICY_SYNTAX', async () => {
  const res = await attest(dev.app, 'Simulated', { quote: b64url(await simEvidence()), draftPolicyForAttestation: 'version=1.0; authorizationrules{ => permit() };' });
  assertMaaError(res, 400, 'PolicyParsingError', 'ERR_POLICY_SYNTAX');
});

test('malformed requests: 400 with the MAA error shape, never 500', async () => {
  const evidence = b64url(await simEvidence());
  const cases: [string, unknown, string, string][] = [
    ['quote missing', { runtimeData: { data: 'AA', dataType: 'Binary' } }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['quote not base64url', { quote: 'not base64!' }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['quote of impossible length', { quote: 'A' }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['quote empty', { quote: '' }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['quote a number', { quote: 5 }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['quote garbage bytes', { quote: b64url('garbage, not evidence') }, 'InvalidParameter', 'ERR_EVIDENCE_MALFORMED'],
    ['runtimeData JSON that is not JSON', { quote: evidence, runtimeData: { data: b64url('{"a":'), dataType: 'JSON' } }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['runtimeData JSON that is not UTF-8', { quote: evidence, runtimeData: { data: b64url(new Uint8Array([0x22, 0xff, 0x22])), dataType: 'JSON' } }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['runtimeData bad dataType', { quote: evidence, runtimeData: { data: 'AA', dataType: 'Text' } }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['runtimeData without data', { quote: evidence, runtimeData: { dataType: 'Binary' } }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['nonce an object', { quote: evidence, nonce: { a: 1 } }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['initTimeData on simulated evidence', { quote: evidence, initTimeData: { data: 'AA', dataType: 'Binary' } }, 'InvalidParameter', 'ERR_VALIDATION'],
    ['body an array', [1, 2], 'InvalidParameter', 'ERR_VALIDATION'],
    ['body broken JSON', '{"quote":', 'InvalidParameter', 'ERR_BODY_MALFORMED'],
  ];
  for (const [what, body, maa, code] of cases) {
    const res = await attest(dev.app, 'Simulated', body);
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assertMaaError(res, 400, maa, code);
  }
});

test('SevSnpVm report envelope that is not the documented JSON: 400 ERR_EVIDENCE_MALFORMED', async () => {
  for (const report of [b64url('not json'), b64url('{"SnpReport":"AAAA"}'), b64url('{"VcekCertChain":"AAAA"}'), b64url('[1]')]) {
    assertMaaError(await attest(dev.app, 'SevSnpVm', { report }), 400, 'InvalidParameter', 'ERR_EVIDENCE_MALFORMED');
  }
});

test('unknown attestation type: 404 NotFound in the MAA shape; the path type is case-insensitive', async () => {
  assertMaaError(await attest(dev.app, 'Tpm2000', { quote: 'AA' }), 404, 'NotFound', 'ERR_NOT_FOUND');
  const res = await attest(dev.app, 'simulated', { quote: b64url(await simEvidence()) });
  assert.equal(res.statusCode, 200);
});

test('simulated evidence is refused by the hardware endpoints, even in dev mode', async () => {
  const evidence = b64url(await simEvidence());
  assertMaaError(await attest(dev.app, 'SgxEnclave', { quote: evidence }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNSUPPORTED');
  assertMaaError(await attest(dev.app, 'TdxVm', { quote: evidence }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNSUPPORTED');
  assertMaaError(await attest(dev.app, 'OpenEnclave', { report: evidence }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNSUPPORTED');
});

test('production (no simulation key): /attest/Simulated answers 404 NotFound', async () => {
  assertMaaError(await attest(prod.app, 'Simulated', { quote: b64url(await simEvidence()) }), 404, 'NotFound', 'ERR_NOT_FOUND');
});

test('evidence signed by another simulation key: 400 ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
  const other = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const evidence = await createSimEvidence(other, { measurement: MEASUREMENT });
  assertMaaError(await attest(dev.app, 'Simulated', { quote: b64url(evidence) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_UNTRUSTED_ROOT');
});

test('GET /.well-known/openid-configuration names the issuer and /certs', async () => {
  const res = await dev.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().jwks_uri, 'https://maa.test/certs');
});

test('no hardware default policy authorizes claims of simulated evidence; the Simulated default authorizes only those', () => {
  const simClaims = [{ type: 'x-ms-attestation-type', value: 'sim', issuer: 'AttestationService' }];
  for (const type of ['SevSnpVm', 'TdxVm'] as const) {
    assert.equal(evaluatePolicy(parsePolicy(DEFAULT_POLICIES[type]), simClaims).authorized, false, type);
  }
  assert.equal(evaluatePolicy(parsePolicy(DEFAULT_POLICIES.Simulated), simClaims).authorized, true);
  assert.equal(evaluatePolicy(parsePolicy(DEFAULT_POLICIES.Simulated), [{ type: 'x-ms-attestation-type', value: 'sgx', issuer: 'AttestationService' }]).authorized, false);
  // A claim of the right value from the wrong issuer (a caller's own claim) is not enough.
  assert.equal(evaluatePolicy(parsePolicy(DEFAULT_POLICIES.SevSnpVm), [{ type: 'x-ms-attestation-type', value: 'sevsnpvm' }]).authorized, false);
});
