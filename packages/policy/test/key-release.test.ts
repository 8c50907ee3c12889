import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertKeyReleaseAllowed, evaluateKeyReleasePolicy, KEY_RELEASE_POLICY_LIMITS, parseKeyReleasePolicy, type KeyReleasePolicy } from '@confide/policy';
import { throwsCode } from './helpers.js';

const MAA = 'https://myinst.weu.attest.azure.net';

// The service's documented SGX example (Key Vault secure key release docs), nested anyOf inside allOf.
const SGX_EXAMPLE = {
  version: '1.0.0',
  anyOf: [
    {
      authority: MAA,
      allOf: [
        { claim: 'x-ms-sgx-mrsigner', equals: '83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e' },
        { claim: 'x-ms-sgx-is-debuggable', equals: false },
        { anyOf: [{ claim: 'x-ms-sgx-svn', equals: 2 }, { claim: 'x-ms-sgx-svn', equals: 3 }] },
      ],
    },
  ],
};

// Azure's default confidential VM policy: authority written with a trailing slash, flat and nested claim forms.
const CVM_DEFAULT = {
  version: '1.0.0',
  anyOf: [
    {
      authority: 'https://sharedeus.eus.attest.azure.net/',
      allOf: [
        { claim: 'x-ms-attestation-type', equals: 'sevsnpvm' },
        { claim: 'x-ms-compliance-status', equals: 'azure-compliant-cvm' },
      ],
    },
    {
      authority: 'https://sharedeus.eus.attest.azure.net/',
      allOf: [
        { claim: 'x-ms-isolation-tee.x-ms-attestation-type', equals: 'sevsnpvm' },
        { claim: 'x-ms-isolation-tee.x-ms-compliance-status', equals: 'azure-compliant-cvm' },
      ],
    },
  ],
};

const sgxClaims = { 'x-ms-sgx-mrsigner': SGX_EXAMPLE.anyOf[0]!.allOf[0]!.equals, 'x-ms-sgx-is-debuggable': false, 'x-ms-sgx-svn': 3 };

function allowed(policy: KeyReleasePolicy, iss: string, claims: Record<string, unknown>): boolean {
  return evaluateKeyReleasePolicy(policy, iss, claims).allowed;
}

describe('key release policy: documented examples', () => {
  it('the SGX example releases to a matching enclave and not to a debuggable one or another svn', () => {
    const p = parseKeyReleasePolicy(JSON.stringify(SGX_EXAMPLE));
    assert.equal(allowed(p, MAA, sgxClaims), true);
    assert.equal(allowed(p, MAA, { ...sgxClaims, 'x-ms-sgx-is-debuggable': true }), false);
    assert.equal(allowed(p, MAA, { ...sgxClaims, 'x-ms-sgx-svn': 4 }), false);
    assert.equal(allowed(p, MAA, { ...sgxClaims, 'x-ms-sgx-svn': '3' }), false, 'a string is not the number 3');
    const { 'x-ms-sgx-is-debuggable': _, ...missing } = sgxClaims;
    assert.equal(allowed(p, MAA, missing), false, 'a missing claim counts as false');
  });

  it('the SGX example holds only for its authority (trailing slash and host case normalized)', () => {
    const p = parseKeyReleasePolicy(SGX_EXAMPLE);
    assert.equal(allowed(p, `${MAA}/`, sgxClaims), true);
    assert.equal(allowed(p, 'https://MYINST.weu.attest.azure.net', sgxClaims), true);
    assert.equal(allowed(p, 'https://other.weu.attest.azure.net', sgxClaims), false);
    throwsCode(() => assertKeyReleaseAllowed(p, 'https://other.weu.attest.azure.net', sgxClaims), 'ERR_KEY_RELEASE_POLICY_DENIED', { authorityMatched: false });
    throwsCode(() => assertKeyReleaseAllowed(p, MAA, { ...sgxClaims, 'x-ms-sgx-svn': 1 }), 'ERR_KEY_RELEASE_POLICY_DENIED', { authorityMatched: true });
    assert.equal(assertKeyReleaseAllowed(p, MAA, sgxClaims), 0);
  });

  it('the default CVM policy matches flat and x-ms-isolation-tee nested claims', () => {
    const p = parseKeyReleasePolicy(CVM_DEFAULT);
    const iss = 'https://sharedeus.eus.attest.azure.net';
    assert.equal(allowed(p, iss, { 'x-ms-attestation-type': 'sevsnpvm', 'x-ms-compliance-status': 'azure-compliant-cvm' }), true);
    const nested = { 'x-ms-attestation-type': 'azurevm', 'x-ms-isolation-tee': { 'x-ms-attestation-type': 'sevsnpvm', 'x-ms-compliance-status': 'azure-compliant-cvm' } };
    assert.equal(evaluateKeyReleasePolicy(p, iss, nested).authorityIndex, 1);
    assert.equal(allowed(p, iss, { 'x-ms-isolation-tee': { 'x-ms-attestation-type': 'tdxvm', 'x-ms-compliance-status': 'azure-compliant-cvm' } }), false);
  });

  it('format 0.2 (confidential containers sidecar) and the legacy {claim, condition, value} leaf', () => {
    const p = parseKeyReleasePolicy({
      version: '0.2',
      anyOf: [{ authority: MAA, allOf: [{ claim: 'x-ms-sevsnpvm-hostdata', equals: 'ab12' }, { claim: 'x-ms-sevsnpvm-guestsvn', condition: 'greaterOrEquals', value: 2 }] }],
    });
    assert.equal(p.version, '0.2');
    assert.equal(allowed(p, MAA, { 'x-ms-sevsnpvm-hostdata': 'ab12', 'x-ms-sevsnpvm-guestsvn': 2 }), true);
    assert.equal(allowed(p, MAA, { 'x-ms-sevsnpvm-hostdata': 'ab12', 'x-ms-sevsnpvm-guestsvn': 1 }), false);
    assert.equal(parseKeyReleasePolicy({ version: '1.0', anyof: [{ authority: MAA, allof: [{ claim: 'a', condition: 'Equals', value: 'x' }] }] }).version, '1.0');
  });
});

describe('key release policy: operators', () => {
  const one = (cond: Record<string, unknown>): KeyReleasePolicy => parseKeyReleasePolicy({ version: '1.0.0', anyOf: [{ authority: MAA, allOf: [cond] }] });
  const cases: [Record<string, unknown>, Record<string, unknown>, boolean][] = [
    [{ claim: 'n', greater: 2 }, { n: 3 }, true],
    [{ claim: 'n', greater: 2 }, { n: 2 }, false],
    [{ claim: 'n', greaterOrEquals: 2 }, { n: 2 }, true],
    [{ claim: 'n', less: 2 }, { n: 1 }, true],
    [{ claim: 'n', less: 2 }, { n: 2 }, false],
    [{ claim: 'n', lessOrEquals: 2 }, { n: 2 }, true],
    [{ claim: 'n', lessOrEquals: 2 }, { n: '1' }, false],
    [{ claim: 'n', greater: 2 }, {}, false],
    [{ claim: 's', notEquals: 'a' }, { s: 'b' }, true],
    [{ claim: 's', notEquals: 'a' }, { s: 'a' }, false],
    [{ claim: 's', notEquals: 'a' }, {}, false],
    [{ claim: 's', exists: true }, { s: 'a' }, true],
    [{ claim: 's', exists: true }, {}, false],
    [{ claim: 's', exists: false }, {}, true],
    [{ claim: 's', equals: 'A' }, { s: 'a' }, false],
    [{ claim: 'o.p.q', equals: 1 }, { o: { p: { q: 1 } } }, true],
    [{ claim: 'o.p.q', equals: 1 }, { o: { p: [1] } }, false],
    [{ claim: 'a.b', equals: 1 }, { 'a.b': 1 }, true],
    [{ claim: 'o.constructor', exists: true }, { o: {} }, false],
    [{ claim: 'o', equals: 1 }, { o: { x: 1 } }, false],
  ];
  for (const [cond, claims, expected] of cases) {
    it(`${JSON.stringify(cond)} over ${JSON.stringify(claims)} is ${expected}`, () => assert.equal(allowed(one(cond), MAA, claims), expected));
  }

  it('anyOf at authority level and nested allOf inside anyOf', () => {
    const p = parseKeyReleasePolicy({ version: '1.0.0', anyOf: [{ authority: MAA, anyOf: [{ claim: 'a', equals: 1 }, { allOf: [{ claim: 'b', equals: 1 }, { claim: 'c', equals: 1 }] }] }] });
    assert.equal(allowed(p, MAA, { a: 1 }), true);
    assert.equal(allowed(p, MAA, { b: 1, c: 1 }), true);
    assert.equal(allowed(p, MAA, { b: 1 }), false);
  });
});

describe('key release policy: malformed policies', () => {
  const wrap = (cond: unknown): unknown => ({ version: '1.0.0', anyOf: [{ authority: MAA, allOf: [cond] }] });
  const bad: [string, unknown, string][] = [
    ['not JSON', '{', '$'],
    ['an array', '[]', '$'],
    ['no version', { anyOf: [{ authority: MAA, allOf: [{ claim: 'a', equals: 1 }] }] }, '$.version'],
    ['unknown version', { version: '2.0', anyOf: [] }, '$.version'],
    ['empty anyOf', { version: '1.0.0', anyOf: [] }, '$.anyOf'],
    ['unknown top-level member', { version: '1.0.0', anyOf: [], allOf: [] }, '$'],
    ['authority missing', { version: '1.0.0', anyOf: [{ allOf: [{ claim: 'a', equals: 1 }] }] }, '$.anyOf[0].authority'],
    ['authority with both anyOf and allOf', { version: '1.0.0', anyOf: [{ authority: MAA, allOf: [{ claim: 'a', equals: 1 }], anyOf: [{ claim: 'a', equals: 1 }] }] }, '$.anyOf[0]'],
    ['authority with neither', { version: '1.0.0', anyOf: [{ authority: MAA }] }, '$.anyOf[0]'],
    ['empty allOf', { version: '1.0.0', anyOf: [{ authority: MAA, allOf: [] }] }, '$.anyOf[0].allOf'],
    ['no operator', wrap({ claim: 'a' }), '$.anyOf[0].allOf[0]'],
    ['two operators', wrap({ claim: 'a', equals: 1, notEquals: 2 }), '$.anyOf[0].allOf[0]'],
    ['unknown operator', wrap({ claim: 'a', equal: 1 }), '$.anyOf[0].allOf[0]'],
    ['greater on a string', wrap({ claim: 'a', greater: '1' }), '$.anyOf[0].allOf[0].greater'],
    ['equals on an object', wrap({ claim: 'a', equals: { x: 1 } }), '$.anyOf[0].allOf[0].equals'],
    ['exists on a string', wrap({ claim: 'a', exists: 'yes' }), '$.anyOf[0].allOf[0].exists'],
    ['empty path segment', wrap({ claim: 'a..b', equals: 1 }), '$.anyOf[0].allOf[0].claim'],
    ['legacy unknown condition', wrap({ claim: 'a', condition: 'matches', value: 1 }), '$.anyOf[0].allOf[0].condition'],
    ['legacy without value', wrap({ claim: 'a', condition: 'equals' }), '$.anyOf[0].allOf[0]'],
    ['a member twice in different case', { version: '1.0.0', anyOf: [{ authority: MAA, allOf: [{ claim: 'a', equals: 1 }], AllOf: [{ claim: 'a', equals: 1 }] }] }, '$.anyOf[0]'],
    ['condition not an object', wrap('x'), '$.anyOf[0].allOf[0]'],
  ];
  for (const [name, policy, path] of bad) {
    it(`refuses ${name} with ERR_KEY_RELEASE_POLICY_INVALID at ${path}`, () => throwsCode(() => parseKeyReleasePolicy(policy), 'ERR_KEY_RELEASE_POLICY_INVALID', { path }));
  }

  it('refuses nesting past the limit with ERR_LIMIT_EXCEEDED', () => {
    let cond: unknown = { claim: 'a', equals: 1 };
    for (let i = 0; i < KEY_RELEASE_POLICY_LIMITS.maxNesting + 1; i++) cond = { allOf: [cond] };
    throwsCode(() => parseKeyReleasePolicy(wrap(cond)), 'ERR_LIMIT_EXCEEDED', { limit: 'maxNesting', value: KEY_RELEASE_POLICY_LIMITS.maxNesting });
    let ok: unknown = { claim: 'a', equals: 1 };
    for (let i = 0; i < KEY_RELEASE_POLICY_LIMITS.maxNesting - 2; i++) ok = { allOf: [ok] };
    assert.equal(allowed(parseKeyReleasePolicy(wrap(ok)), MAA, { a: 1 }), true);
  });

  it('refuses too many conditions and too long text with ERR_LIMIT_EXCEEDED', () => {
    const many = Array.from({ length: KEY_RELEASE_POLICY_LIMITS.maxConditions + 1 }, () => ({ claim: 'a', equals: 1 }));
    throwsCode(() => parseKeyReleasePolicy({ version: '1.0.0', anyOf: [{ authority: MAA, anyOf: many }] }), 'ERR_LIMIT_EXCEEDED');
    throwsCode(() => parseKeyReleasePolicy(' '.repeat(KEY_RELEASE_POLICY_LIMITS.maxLength + 1)), 'ERR_LIMIT_EXCEEDED');
  });
});
