/**
 * Deep and large inputs for every recursive part of the policy engine: the policy parser, the
 * evaluator, JMESPath and the JSON the policy functions read. Each is refused with
 * ERR_LIMIT_EXCEEDED naming its limit, never a stack overflow, and input at the limit still works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { evaluatePolicy, parsePolicy, POLICY_LIMITS, searchJmesPath } from '../src/index.js';

function refused(limit: string): (err: unknown) => boolean {
  return (err) => isConfideError(err, 'ERR_LIMIT_EXCEEDED') && err.details?.['limit'] === limit;
}

const issuing = (expr: string, version = '1.2'): string => `version=${version}; authorizationrules { => permit(); }; issuancerules { => issue(type="a", value=${expr}); };`;

test('policy parser: nested function calls up to 100,000 levels are refused by policy.maxNesting; the limit itself parses and evaluates', () => {
  for (const depth of [POLICY_LIMITS.maxNesting + 1, 3000, 20_000, 100_000]) {
    const text = issuing('NegateBool('.repeat(depth) + 'true' + ')'.repeat(depth));
    assert.throws(() => parsePolicy(text), refused(text.length > POLICY_LIMITS.maxLength ? 'policy.maxLength' : 'policy.maxNesting'), String(depth));
  }
  const ok = parsePolicy(issuing('NegateBool('.repeat(POLICY_LIMITS.maxNesting) + 'true' + ')'.repeat(POLICY_LIMITS.maxNesting)));
  assert.deepEqual(evaluatePolicy(ok, []).issued.map((c) => c.value), [true]);
});

test('policy parser: text over policy.maxLength is refused before it is read', () => {
  assert.throws(() => parsePolicy(issuing('"x"') + ' '.repeat(POLICY_LIMITS.maxLength)), refused('policy.maxLength'));
});

test('JMESPath: every nesting construct, 10 to 3,000 deep, is refused by a named limit; chains at the length limit run', () => {
  const deep = (n: number): string[] => [
    '('.repeat(n) + 'a' + ')'.repeat(n),
    '['.repeat(n) + ']'.repeat(n),
    '!'.repeat(n) + 'a',
    '{a:'.repeat(n) + 'a' + '}'.repeat(n),
    'a[?'.repeat(n) + 'b' + ']'.repeat(n),
    'length('.repeat(n) + '@' + ')'.repeat(n),
    '[a, '.repeat(n) + 'a' + ']'.repeat(n),
  ];
  for (const n of [POLICY_LIMITS.maxJmesPathNesting + 1, 1000, 3000]) {
    for (const query of deep(n)) {
      assert.throws(() => searchJmesPath({ a: 1 }, query), (e) => refused('policy.maxJmesPathNesting')(e) || refused('policy.maxJmesPathLength')(e), query.slice(0, 12));
    }
  }
  const chain = 'a' + '.a'.repeat((POLICY_LIMITS.maxJmesPathLength - 1) / 2);
  assert.ok(chain.length <= POLICY_LIMITS.maxJmesPathLength);
  assert.equal(searchJmesPath({ a: 1 }, chain), null);
  assert.throws(() => searchJmesPath({ a: 1 }, chain + '.a.a'), refused('policy.maxJmesPathLength'));
  assert.throws(() => searchJmesPath({}, '`' + '['.repeat(500) + ']'.repeat(500) + '`'), refused('json.maxDepth'));
});

test('policy functions: JSON nested 100,000 deep in a claim or a literal is refused by json.maxDepth', () => {
  const json = '['.repeat(100_000) + ']'.repeat(100_000);
  const policy = parsePolicy(`version=1.2; authorizationrules { => permit(); };
    issuancerules { c:[type=="x-ms-runtime"] => issue(type="a", value=JmesPath(c.value, "@")); c:[type=="x-ms-runtime"] => issue(type="b", value=JsonToClaimValue(c.value)); };`);
  assert.throws(() => evaluatePolicy(policy, [{ type: 'x-ms-runtime', value: json }]), refused('json.maxDepth'));
});

test('evaluator: claims doubled rule after rule, values doubled by AppendString, and argument products are bounded', () => {
  const doubling = Array.from({ length: 40 }, () => 'c:[type=="x"] => add(claim=c);').join(' ');
  const doubled = parsePolicy(`version=1.2; authorizationrules { ${doubling} => permit(); };`);
  assert.throws(() => evaluatePolicy(doubled, [{ type: 'x', value: 'y' }]), refused('policy.maxClaims'));

  const steps = Array.from({ length: 40 }, (_, i) => `c:[type=="s${i}"] => add(type="s${i + 1}", value=AppendString(c.value, c.value));`).join(' ');
  const growing = parsePolicy(`version=1.2; authorizationrules { ${steps} => permit(); };`);
  assert.throws(() => evaluatePolicy(growing, [{ type: 's0', value: 'x'.repeat(64) }]), (e) => refused('policy.maxStringLength')(e) || refused('policy.maxAddedChars')(e));

  const many = Array.from({ length: 100 }, (_, i) => ({ type: 'm', value: `v${i}` }));
  const product = parsePolicy(`version=1.2; authorizationrules { => permit(); };
    issuancerules { c:[type=="m"] => issue(type="p", value=AppendString(AppendString(c.value, c.value), c.value)); };`);
  assert.throws(() => evaluatePolicy(product, many), refused('policy.maxValues'));
});
