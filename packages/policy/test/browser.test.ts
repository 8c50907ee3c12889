/**
 * Runtime-agnosticism of the policy package: policies, their hashes and JMESPath's whole
 * compliance suite evaluated by the same suite (test/browser/suite.ts) in Node and in headless
 * Chromium give the same results. Skipped, with a message, where no Chromium exists; CI installs
 * Chromium (.ci/run).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { browserUnavailable, runInBrowser } from '@confide/test-kit';
import type { Json } from '@confide/policy';
import { evaluateCases, searchCases, type PolicyCase } from './browser/suite.js';
import { svc } from './helpers.js';

const COMPLIANCE = new URL('../../test/fixtures/jmespath-compliance/', import.meta.url);

function complianceCases(): Array<{ given: Json; expression: string }> {
  return readdirSync(COMPLIANCE)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => (JSON.parse(readFileSync(new URL(f, COMPLIANCE), 'utf8')) as Array<{ given: Json; cases: Array<{ expression: string }> }>))
    .flatMap((suite) => suite.cases.map((c) => ({ given: suite.given, expression: c.expression })));
}

const POLICIES: PolicyCase[] = [
  {
    policy: 'version=1.0;\nauthorizationrules { c:[type=="x-ms-sgx-is-debuggable", value==false] => permit(); };\nissuancerules { c:[type=="x-ms-sgx-mrsigner"] => issue(type="signer", value=c.value); };',
    claims: [svc('x-ms-sgx-is-debuggable', false), svc('x-ms-sgx-mrsigner', 'ab'.repeat(32))],
  },
  {
    policy: 'version=1.0;\nauthorizationrules { c:[type=="x-ms-sgx-is-debuggable", value==false] => permit(); };',
    claims: [svc('x-ms-sgx-is-debuggable', true)],
  },
  {
    policy: 'version=1.2;\nauthorizationrules { => permit(); };\nissuancerules { c:[type=="x-ms-runtime"] => issue(type="keys", value=JmesPath(c.value, "keys[*].kid")); };',
    claims: [svc('x-ms-runtime', JSON.stringify({ keys: [{ kid: 'a' }, { kid: 'b' }] }))],
  },
  { policy: 'version=1.0;\nauthorizationrules { c:[type=="x" => permit(); };', claims: [] },
];

describe('policy in headless Chromium', { skip: browserUnavailable() }, () => {
  it('evaluates policies, hashes them and runs the JMESPath compliance suite exactly as Node does', async () => {
    const input = { policies: POLICIES, queries: complianceCases() };
    const node = { policies: await evaluateCases(input.policies), queries: await searchCases(input.queries) };
    assert.equal(node.queries.length, 892);
    assert.deepEqual(
      node.policies.map((o) => (o as { code?: string; result?: { authorized: boolean } }).code ?? (o as { result: { authorized: boolean } }).result.authorized),
      [true, false, true, 'ERR_POLICY_SYNTAX'],
    );
    const browser = {
      policies: await runInBrowser<unknown[]>({ module: 'packages/policy/dist/test/browser/suite.js', exportName: 'evaluateCases', input: input.policies }),
      queries: await runInBrowser<unknown[]>({ module: 'packages/policy/dist/test/browser/suite.js', exportName: 'searchCases', input: input.queries }),
    };
    assert.deepEqual(browser, node);
  });
});
