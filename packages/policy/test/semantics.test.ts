// Evaluation semantics: operators, conjunction, bindings, add vs issue, permit/deny, catch-alls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAuthorized, evaluatePolicy, parsePolicy, type IncomingClaim } from '@confide/policy';
import { pairs, throwsCode } from './helpers.js';

const auth = (rules: string, claims: IncomingClaim[]) =>
  evaluatePolicy(parsePolicy(`version=1.0;\nauthorizationrules {\n${rules}\n};`), claims).authorized;

test('integer operators ==, !=, <, <=, >, >=', () => {
  const claims = [{ type: 'svn', value: 5 }];
  const cases: [string, boolean][] = [
    ['value==5', true], ['value==4', false], ['value!=4', true], ['value!=5', false],
    ['value<6', true], ['value<5', false], ['value<=5', true], ['value<=4', false],
    ['value>4', true], ['value>5', false], ['value>=5', true], ['value>=6', false], ['value>=-1', true],
  ];
  for (const [test, expected] of cases) assert.equal(auth(`[type=="svn", ${test}] => permit();`, claims), expected, test);
});

test('string and boolean equality is typed: "5" is not 5 and "true" is not true', () => {
  assert.equal(auth('[type=="s", value=="abc"] => permit();', [{ type: 's', value: 'abc' }]), true);
  assert.equal(auth('[type=="s", value!="abc"] => permit();', [{ type: 's', value: 'abd' }]), true);
  assert.equal(auth('[type=="s", value=="ABC"] => permit();', [{ type: 's', value: 'abc' }]), false);
  assert.equal(auth('[type=="n", value=="5"] => permit();', [{ type: 'n', value: 5 }]), false);
  assert.equal(auth('[type=="b", value==true] => permit();', [{ type: 'b', value: 'true' }]), false);
  assert.equal(auth('[type=="b", value==false] => permit();', [{ type: 'b', value: false }]), true);
  // An ordering test never holds for a non-integer claim.
  assert.equal(auth('[type=="n", value>=0] => permit();', [{ type: 'n', value: '5' }]), false);
});

test('issuer and valueType tests; issuer defaults to CustomClaim', () => {
  const claims = [{ type: 'x', value: 1, issuer: 'AttestationService' }, { type: 'y', value: 'a' }];
  assert.equal(auth('[type=="x", issuer=="AttestationService", valueType=="Integer"] => permit();', claims), true);
  assert.equal(auth('[type=="x", valueType=="String"] => permit();', claims), false);
  assert.equal(auth('[type=="y", issuer=="CustomClaim"] => permit();', claims), true);
  assert.equal(auth('[type=="y", issuer=="AttestationService"] => permit();', claims), false);
});

test('one condition needs a single claim satisfying all its tests; && needs every condition', () => {
  const claims = [{ type: 'a', value: 1 }, { type: 'b', value: 2 }];
  assert.equal(auth('[type=="a", value==2] => permit();', claims), false);
  assert.equal(auth('[type=="a", value==1] && [type=="b", value==2] => permit();', claims), true);
  assert.equal(auth('[type=="a", value==1] && [type=="b", value==3] => permit();', claims), false);
});

test('catch-alls: no conditions always fires; [] fires when any claim exists', () => {
  assert.equal(auth('=> permit();', []), true);
  assert.equal(auth('[] => permit();', []), false);
  assert.equal(auth('[] => permit();', [{ type: 'any', value: 1 }]), true);
});

test('authorization: nothing permitted means not authorized; any deny wins over permit in either order', () => {
  assert.equal(auth('[type=="missing"] => permit();', [{ type: 'a', value: 1 }]), false);
  assert.equal(auth('=> permit();\n=> deny();', []), false);
  assert.equal(auth('=> deny();\n=> permit();', []), false);
  assert.equal(auth('[type=="bad"] => deny();\n=> permit();', []), true);
});

test('add feeds later rules of any section; issue also lands in the token; claims from a refused policy are not issued', () => {
  const policy = parsePolicy(`version=1.0;
authorizationrules {
  c:[type=="in"] => add(type="step1", value=c.value);
  [type=="step1", value==7, issuer=="AttestationPolicy"] => permit();
};
issuancerules {
  c:[type=="step1"] => add(type="step2", value=c.value);
  c:[type=="step2"] => issue(type="out", value=c.value);
  [type=="out", issuer=="AttestationPolicy"] => issue(type="seen-out", value=true);
};`);
  const result = evaluatePolicy(policy, [{ type: 'in', value: 7 }]);
  assert.equal(result.authorized, true);
  assert.deepEqual(pairs(result.issued), [['out', 7], ['seen-out', true]]);
  assert.deepEqual(pairs(result.claims), [['in', 7], ['step1', 7], ['step2', 7], ['out', 7], ['seen-out', true]]);
  const refused = evaluatePolicy(policy, [{ type: 'in', value: 8 }]);
  assert.equal(refused.authorized, false);
  assert.deepEqual(refused.issued, []);
});

test('a rule sees the claim set as it was when the rule started, and each match of a binding is issued', () => {
  const result = evaluatePolicy(parsePolicy(`version=1.0;
authorizationrules { => permit(); };
issuancerules {
  c:[type=="m"] => issue(type="m", value=c.value);
  c:[type=="m", issuer=="CustomClaim"] => issue(claim=c);
};`), [{ type: 'm', value: 'a' }, { type: 'm', value: 'b' }]);
  assert.deepEqual(result.issued, [
    { type: 'm', value: 'a', valueType: 'String', issuer: 'AttestationPolicy' },
    { type: 'm', value: 'b', valueType: 'String', issuer: 'AttestationPolicy' },
    { type: 'm', value: 'a', valueType: 'String', issuer: 'CustomClaim' },
    { type: 'm', value: 'b', valueType: 'String', issuer: 'CustomClaim' },
  ]);
});

test('a bound value in a later condition: == holds for any bound value, != for none', () => {
  const claims = [{ type: 'allowed', value: 'x' }, { type: 'allowed', value: 'y' }, { type: 'actual', value: 'y' }];
  assert.equal(auth('c:[type=="allowed"] && [type=="actual", value==c.value] => permit();', claims), true);
  assert.equal(auth('c:[type=="allowed"] && [type=="actual", value!=c.value] => permit();', claims), false);
});

test('configuration rules set properties even when authorization refuses; issuance-section issueproperty too', () => {
  const policy = parsePolicy(`version=1.1;
configurationrules { => issueproperty(type="require_valid_aik_cert", value=false); };
authorizationrules { [type=="ok"] => permit(); };
issuancerules { => issueproperty(type="late", value="yes"); };`);
  assert.deepEqual(evaluatePolicy(policy, []).properties, { require_valid_aik_cert: false });
  assert.deepEqual(evaluatePolicy(policy, [{ type: 'ok', value: true }]).properties, { require_valid_aik_cert: false, late: 'yes' });
});

test('incoming claims: objects become JSON text; fractions and wrong valueType are refused', () => {
  const result = evaluatePolicy(parsePolicy('version=1.0;\nauthorizationrules { => permit(); };\nissuancerules { c:[type=="j"] => issue(type="j", value=c.value); };'),
    [{ type: 'j', value: { a: [1, true] } }]);
  assert.deepEqual(pairs(result.issued), [['j', '{"a":[1,true]}']]);
  const policy = parsePolicy('version=1.0;\nauthorizationrules { => permit(); };');
  throwsCode(() => evaluatePolicy(policy, [{ type: 'f', value: 1.5 }]), 'ERR_POLICY_EVALUATION_FAILED');
  throwsCode(() => evaluatePolicy(policy, [{ type: 'f', value: 1, valueType: 'String' }]), 'ERR_POLICY_EVALUATION_FAILED');
});

test('assertAuthorized throws ERR_POLICY_DENIED only for a refused result', () => {
  const policy = parsePolicy('version=1.0;\nauthorizationrules { [type=="ok"] => permit(); };');
  assertAuthorized(evaluatePolicy(policy, [{ type: 'ok', value: true }]));
  throwsCode(() => assertAuthorized(evaluatePolicy(policy, [])), 'ERR_POLICY_DENIED');
});
