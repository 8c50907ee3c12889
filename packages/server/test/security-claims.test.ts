/**
 * Reserved claims and management responses, over HTTPS against a real listener in dev and
 * production mode. A policy must not issue claims that look bound to the request or set by the
 * service (uploaded, or sent as a draft on an unauthenticated attest request), and a policy
 * management response must never pass for an attestation token, nor the other way round.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSimulationKey, simulateQuote } from '../src/sim/index.js';
import { isReservedClaim } from '../src/services/attestation/reserved-claims.js';
import { evidenceClaims } from '../src/services/attestation/maa-claims.js';
import { TEE_OF } from '../src/services/attestation/types.js';
import { jws, storedPolicy } from './maa-admin-helpers.js';
import { confideCode, STATIC_TOKEN, startSecureServer, type SecureServer } from './security-helpers.js';

const RESERVED_SAMPLES = ['x-ms-runtime', 'x-ms-inittime', 'x-ms-sgx-ehd', 'x-ms-sgx-mrenclave', 'aud', 'nonce', 'iss', 'exp', 'iat', 'nbf', 'jti', 'cnf', 'x-ms-ver',
  'x-ms-attestation-type', 'x-ms-policy-hash', 'x-ms-policy-signer', 'x-ms-policy-result', 'x-ms-sevsnpvm-hostdata', 'tdx_mrtd', 'x-confide-tcb-status', 'X-MS-Runtime'];
const b64url = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');
const payloadOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

function issuing(name: string): string {
  return `version=1.0; authorizationrules { => permit(); }; issuancerules { => issue(type="${name}", value="forged"); };`;
}

test('every claim the service derives from evidence and request is reserved, for each attestation type', () => {
  // Every field of the verifier's claims answers with a value, so no claim is left out as undefined.
  const anything = (tee: string): object => {
    const proxy: object = new Proxy(function () {}, {
      get: (_target, key) => (key === 'tee' ? tee : key === Symbol.iterator ? function* () {} : key === Symbol.toPrimitive ? () => 'x' : proxy),
    });
    return proxy;
  };
  const data = { bytes: new Uint8Array([123, 125]), dataType: 'JSON' as const, json: {} };
  for (const type of ['SgxEnclave', 'OpenEnclave', 'SevSnpVm', 'TdxVm', 'Simulated'] as const) {
    const names = Object.keys(evidenceClaims(anything(TEE_OF[type]) as never, { type, evidence: new Uint8Array(1), runtimeData: data, initTimeData: data }));
    assert.ok(names.length > 5, type);
    for (const name of names) assert.ok(isReservedClaim(name), `${type}: ${name} is set from the evidence but not reserved`);
  }
  for (const name of ['is-debuggable', 'sgx-mrenclave', 'tee', 'svn', 'x-ms-compliance-status', 'PlatformAttested']) assert.equal(isReservedClaim(name), false, name);
});

for (const mode of ['dev', 'production'] as const) {
  describe(`${mode}: reserved claim names and management responses`, () => {
    let s: SecureServer;
    const bearer = { authorization: `Bearer ${mode === 'production' ? STATIC_TOKEN : 'any'}` };
    const put = async (type: string, text: string) =>
      s.send('PUT', `/policies/${type}?api-version=2022-08-01`, { headers: { ...bearer, 'content-type': 'text/plain' }, body: await jws(storedPolicy(text)) });

    before(async () => {
      s = await startSecureServer(mode);
    });
    after(() => s.close());

    test('a policy issuing a reserved claim is refused at upload with ERR_POLICY_RESERVED_CLAIM naming it; an ordinary name passes', async () => {
      for (const name of RESERVED_SAMPLES) {
        const res = await put('SgxEnclave', issuing(name));
        assert.equal(res.status, 400, name);
        assert.equal(confideCode(res), 'ERR_POLICY_RESERVED_CLAIM', name);
        assert.equal((res.json()['error'] as { innererror: { details: { claim: string } } }).innererror.details.claim, name);
      }
      assert.equal((await put('SgxEnclave', issuing('my-app-claim'))).status, 200);
    });

    test('an unauthenticated attest request with a draft policy issuing x-ms-runtime or nonce is refused before the evidence is looked at', async () => {
      for (const name of ['x-ms-runtime', 'nonce', 'x-ms-sgx-ehd']) {
        const res = await s.send('POST', '/attest/SgxEnclave?api-version=2022-08-01', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ quote: b64url('not a quote'), draftPolicyForAttestation: issuing(name) }),
        });
        assert.equal(res.status, 400);
        assert.equal(confideCode(res), 'ERR_POLICY_RESERVED_CLAIM');
      }
    });

    test('management responses carry no attestation markers; the documented rule tells them apart', async () => {
      const responses = [
        await put('TdxVm', 'version=1.0; authorizationrules { => permit(); }; // mgmt'),
        await s.send('POST', '/policies/TdxVm:reset?api-version=2022-08-01', { headers: { ...bearer, 'content-type': 'text/plain' }, body: await jws('') }),
        await s.send('GET', '/policies/TdxVm?api-version=2022-08-01', { headers: bearer }),
        await s.send('GET', '/certificates?api-version=2022-08-01', { headers: bearer }),
      ];
      for (const res of responses) {
        assert.equal(res.status, 200, res.body);
        const payload = payloadOf(res.json()['token'] as string);
        assert.equal(payload['x-ms-attestation-type'], undefined);
        assert.equal(payload['x-ms-ver'], undefined);
        assert.ok(['x-ms-policy-result', 'x-ms-policy', 'x-ms-policy-certificates'].some((k) => k in payload), JSON.stringify(payload));
      }
    });

    if (mode === 'dev') {
      test('a computed reserved name is dropped from the token; with no runtime data there is no x-ms-runtime', async () => {
        const text = `version=1.2; authorizationrules { => permit(); };
          issuancerules { => issue(type=AppendString("x-ms-", "runtime"), value="{}"); => issue(type=AppendString("non", "ce"), value="forged"); => issue(type="kept", value="yes"); };`;
        assert.equal((await put('Simulated', text)).status, 200);
        const key = await loadSimulationKey(join(s.dir, 'data'));
        const quote = await simulateQuote(key, { measurement: new Uint8Array(32).fill(1) });
        const res = await s.send('POST', '/attest/Simulated?api-version=2022-08-01', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quote: b64url(quote) }) });
        assert.equal(res.status, 200, res.body);
        const payload = payloadOf(res.json()['token'] as string);
        assert.equal(payload['kept'], 'yes');
        assert.equal('x-ms-runtime' in payload, false);
        assert.equal('nonce' in payload, false);
        assert.equal(payload['x-ms-attestation-type'], 'sim');
      });
    }
  });
}
