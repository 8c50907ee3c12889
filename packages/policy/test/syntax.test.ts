// Malformed policies fail with ERR_POLICY_SYNTAX at the exact line and column; policies that
// parse but break their version's rules fail with ERR_POLICY_INVALID, also located.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '@confide/policy';
import { throwsCode } from './helpers.js';

const SYNTAX: [string, string, number, number][] = [
  ['empty text', '', 1, 1],
  ['no version header', 'authorizationrules { => permit(); };', 1, 1],
  ['version without a number', 'version=;', 1, 9],
  ['integer version', 'version=1;', 1, 9],
  ['missing ; after version', 'version=1.0\nauthorizationrules { };', 2, 1],
  ['unknown section', 'version=1.0;\nauthorisationrules { };', 2, 1],
  ['missing ; after section', 'version=1.0;\nauthorizationrules { => permit(); }\nissuancerules { };', 3, 1],
  ['missing ; after rule', 'version=1.0;\nauthorizationrules {\n  => permit()\n};', 4, 1],
  ['missing =>', 'version=1.0;\nauthorizationrules {\n  [type=="a"] permit();\n};', 3, 15],
  ['= in a condition', 'version=1.0;\nauthorizationrules {\n  [type="a"] => permit();\n};', 3, 8],
  ['unknown property', 'version=1.0;\nauthorizationrules {\n  [kind=="a"] => permit();\n};', 3, 4],
  ['unterminated string', 'version=1.0;\nauthorizationrules {\n  [type=="a] => permit();\n};', 3, 10],
  ['unknown escape', 'version=1.0;\nauthorizationrules {\n  [type=="a\\n"] => permit();\n};', 3, 12],
  ['unknown action', 'version=1.0;\nauthorizationrules {\n  => allow();\n};', 3, 6],
  ['permit with an argument', 'version=1.0;\nauthorizationrules {\n  => permit(type="a");\n};', 3, 13],
  ['issue without value', 'version=1.0;\nauthorizationrules { => permit(); };\nissuancerules {\n  => issue(type="a");\n};', 4, 20],
  ['fraction', 'version=1.0;\nauthorizationrules {\n  [type=="a", value>=1.5] => permit();\n};', 3, 22],
  ['stray character', 'version=1.0;\nauthorizationrules {\n  [type=="a"] => permit(); #\n};', 3, 28],
  ['unclosed section', 'version=1.0;\nauthorizationrules {\n  => permit();\n', 4, 1],
  ['dangling &&', 'version=1.0;\nauthorizationrules {\n  [type=="a"] && => permit();\n};', 3, 18],
  ['bare identifier value', 'version=1.0;\nauthorizationrules {\n  [type==a] => permit();\n};', 3, 11],
  ['smart quotes from a rendered page', 'version=1.0;\nauthorizationrules {\n  c:[type==\u201d$is-debuggable\u201d] => permit();\n};', 3, 12],
];

for (const [name, text, line, column] of SYNTAX) {
  test(`syntax: ${name} -> line ${line}, column ${column}`, () => {
    throwsCode(() => parsePolicy(text), 'ERR_POLICY_SYNTAX', { line, column });
  });
}

const INVALID: [string, string, number, number][] = [
  ['unsupported version', 'version=2.0;\nauthorizationrules { };', 1, 9],
  ['configurationrules in 1.0', 'version=1.0;\nconfigurationrules { };\nauthorizationrules { };', 2, 1],
  ['no authorizationrules', 'version=1.1;\nissuancerules { };\n', 3, 1],
  ['duplicate section', 'version=1.0;\nauthorizationrules { };\nauthorizationrules { };', 3, 1],
  ['permit in issuancerules', 'version=1.0;\nauthorizationrules { };\nissuancerules { => permit(); };', 3, 20],
  ['issue in authorizationrules', 'version=1.0;\nauthorizationrules { => issue(type="a", value=1); };', 2, 25],
  ['add in configurationrules', 'version=1.1;\nconfigurationrules { => add(type="a", value=1); };\nauthorizationrules { };', 2, 25],
  ['1.2 function in a 1.0 policy', 'version=1.0;\nauthorizationrules { => permit(); };\nissuancerules {\n  c:[type=="s"] => add(type="r", value=AppendString(c.value, "x"));\n};', 4, 40],
  ['1.2 function in a 1.1 policy', 'version=1.1;\nauthorizationrules { => permit(); };\nissuancerules {\n  c:[type=="s"] => add(type="r", value=NegateBool(c.value));\n};', 4, 40],
  ['! in a 1.1 policy', 'version=1.1;\nauthorizationrules {\n  ![type=="a"] => permit();\n};', 3, 3],
  ['unknown function', 'version=1.2;\nauthorizationrules { => permit(); };\nissuancerules {\n  => add(type="r", value=Upper("x"));\n};', 4, 26],
  ['wrong arity', 'version=1.2;\nauthorizationrules { => permit(); };\nissuancerules {\n  => add(type="r", value=JmesPath("{}"));\n};', 4, 26],
  ['unbound identifier', 'version=1.0;\nauthorizationrules { => permit(); };\nissuancerules {\n  c:[type=="a"] => issue(type="b", value=d.value);\n};', 4, 42],
  ['identifier used before it is bound', 'version=1.0;\nauthorizationrules {\n  [type=="a", value==c.value] && c:[type=="b"] => permit();\n};', 3, 22],
  ['unbound claim=', 'version=1.0;\nauthorizationrules { => permit(); };\nissuancerules {\n  => issue(claim=c);\n};', 4, 18],
  ['identifier bound twice', 'version=1.0;\nauthorizationrules {\n  c:[type=="a"] && c:[type=="b"] => permit();\n};', 3, 20],
  ['ordering on a string literal', 'version=1.0;\nauthorizationrules {\n  [type=="a", value>="b"] => permit();\n};', 3, 15],
  ['ordering on type', 'version=1.0;\nauthorizationrules {\n  [type>=1] => permit();\n};', 3, 4],
];

for (const [name, text, line, column] of INVALID) {
  test(`invalid: ${name} -> line ${line}, column ${column}`, () => {
    throwsCode(() => parsePolicy(text), 'ERR_POLICY_INVALID', { line, column });
  });
}

test('keywords are case-insensitive (the SGX default policy was published as "Version= 1.0;")', () => {
  const policy = parsePolicy('Version= 1.0;\nAuthorizationRules { [Type=="a", Value==TRUE] => Permit(); };\nIssuanceRules { c:[type=="a"] => Issue(Type="b", Value=c.Value); };');
  assert.equal(policy.version, '1.0');
  assert.deepEqual(policy.sections, ['authorizationrules', 'issuancerules']);
  assert.equal(policy.issuanceRules.length, 1);
});

test('the AST keeps rule positions, conditions and actions', () => {
  const policy = parsePolicy('version=1.2;\nauthorizationrules {\n  c:[type=="a", value>=3] && ![issuer!="x"] => permit();\n};');
  assert.deepEqual(policy.authorizationRules, [{
    pos: { line: 3, column: 3 },
    conditions: [
      { negated: false, identifier: 'c', pos: { line: 3, column: 3 }, tests: [
        { property: 'type', operator: '==', operand: { kind: 'string', value: 'a', pos: { line: 3, column: 12 } }, pos: { line: 3, column: 6 } },
        { property: 'value', operator: '>=', operand: { kind: 'integer', value: 3, pos: { line: 3, column: 24 } }, pos: { line: 3, column: 17 } },
      ] },
      { negated: true, pos: { line: 3, column: 30 }, tests: [
        { property: 'issuer', operator: '!=', operand: { kind: 'string', value: 'x', pos: { line: 3, column: 40 } }, pos: { line: 3, column: 32 } },
      ] },
    ],
    action: { kind: 'permit', pos: { line: 3, column: 48 } },
  }]);
});
