// Version 1.2 functions and `!`, with the examples of claim-rule-functions and the TPM samples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePolicy, parsePolicy, type IncomingClaim } from '@confide/policy';
import { pairs, svc, throwsCode } from './helpers.js';

function run(rules: string, claims: IncomingClaim[]) {
  return evaluatePolicy(parsePolicy(`version=1.2;\nauthorizationrules { => permit(); };\nissuancerules {\n${rules}\n};`), claims);
}
const added = (result: ReturnType<typeof run>, type: string) => result.claims.filter((c) => c.type === type).map((c) => c.value);

test('JmesPath over literal arguments yields the JSON text of the result', () => {
  const result = run('=>add(type="JmesPathResult", value=JmesPath("{\\"foo\\": \\"bar\\"}", "foo"));', []);
  assert.deepEqual(added(result, 'JmesPathResult'), ['"bar"']);
});

test('JmesPath over claim arguments (documented: values[2] of {"values":[0,1,2,3,4]} is "2")', () => {
  const result = run('c1:[type=="JsonData"] && c2:[type=="JmesPathQuery"] =>\nadd(type="JmesPathResult", value=JmesPath(c1.value, c2.value));',
    [{ type: 'JsonData', value: '{"values": [0,1,2,3,4]}' }, { type: 'JmesPathQuery', value: 'values[2]' }]);
  assert.deepEqual(added(result, 'JmesPathResult'), ['2']);
});

test('JsonToClaimValue converts numbers, booleans, strings; arrays become several claims; null adds nothing', () => {
  const result = run(`c:[type=="JsonIntegerData"] => add(type="IntegerResult", value=JsonToClaimValue(c.value));
c:[type=="JsonBooleanData"] => add(type="BooleanResult", value=JsonToClaimValue(c.value));
c:[type=="JsonStringData"] => add(type="StringResult", value=JsonToClaimValue(c.value));
c:[type=="JsonArray"] => add(type="Result", value=JsonToClaimValue(c.value));
c:[type=="JsonNull"] => add(type="NullResult", value=JsonToClaimValue(c.value));`, [
    { type: 'JsonIntegerData', value: '100' }, { type: 'JsonBooleanData', value: 'true' }, { type: 'JsonStringData', value: '"abc"' },
    { type: 'JsonArray', value: '[0, "abc", true, 0]' }, { type: 'JsonNull', value: 'null' },
  ]);
  assert.deepEqual(added(result, 'IntegerResult'), [100]);
  assert.deepEqual(added(result, 'BooleanResult'), [true]);
  assert.deepEqual(added(result, 'StringResult'), ['abc']);
  assert.deepEqual(added(result, 'Result'), [0, 'abc', true, 0]);
  assert.deepEqual(added(result, 'NullResult'), []);
});

test('JsonToClaimValue refuses fractions, objects and nested arrays', () => {
  for (const json of ['1.5', '{"a":1}', '[[1]]', '[{"a":1}]', 'not json']) {
    throwsCode(() => run('c:[type=="J"] => add(type="R", value=JsonToClaimValue(c.value));', [{ type: 'J', value: json }]),
      'ERR_POLICY_EVALUATION_FAILED', { line: 4, column: 38 });
  }
});

test('IsSubsetOf compares the sets of all claims each identifier matched (documented example is true)', () => {
  const claims = [
    { type: 'Subset', value: 'abc' }, { type: 'Subset', value: 100 },
    { type: 'Superset', value: true }, { type: 'Superset', value: 'abc' }, { type: 'Superset', value: 100 },
  ];
  const rule = 'c1:[type == "Subset"] && c2:[type=="Superset"] => add(type="IsSubset", value=IsSubsetOf(c1.value, c2.value));';
  assert.deepEqual(added(run(rule, claims), 'IsSubset'), [true]);
  assert.deepEqual(added(run(rule, [...claims, { type: 'Subset', value: '100' }]), 'IsSubset'), [false]);
});

test('AppendString, NegateBool and ContainsOnlyValue', () => {
  const result = run(`c1:[type=="String1"] && c2:[type=="String2"] => add(type="Result", value=AppendString(c1.value, c2.value));
c:[type=="Input"] => add(type="Negated", value=NegateBool(c.value));
c:[type=="Set"] => add(type="Only100", value=ContainsOnlyValue(c.value, 100));
c:[type=="Same"] => add(type="OnlyTrue", value=ContainsOnlyValue(c.value, true));
=> add(type="Empty", value=ContainsOnlyValue(JsonToClaimValue("[]"), true));`, [
    { type: 'String1', value: 'abc' }, { type: 'String2', value: 'xyz' }, { type: 'Input', value: true },
    { type: 'Set', value: 100 }, { type: 'Set', value: 101 }, { type: 'Same', value: true }, { type: 'Same', value: true },
  ]);
  assert.deepEqual(added(result, 'Result'), ['abcxyz']);
  assert.deepEqual(added(result, 'Negated'), [false]);
  assert.deepEqual(added(result, 'Only100'), [false]);
  assert.deepEqual(added(result, 'OnlyTrue'), [true]);
  assert.deepEqual(added(result, 'Empty'), [false]);
  throwsCode(() => run('c:[type=="Input"] => add(type="N", value=NegateBool(c.value));', [{ type: 'Input', value: 'true' }]), 'ERR_POLICY_EVALUATION_FAILED');
  throwsCode(() => run('c:[type=="I"] => add(type="N", value=AppendString(c.value, "x"));', [{ type: 'I', value: 1 }]), 'ERR_POLICY_EVALUATION_FAILED');
});

test('! adds a claim only when none matches (documented Claim3 example)', () => {
  const rule = '![type=="Claim3"] => add(type="Claim3", value=300);';
  assert.deepEqual(added(run(rule, [{ type: 'Claim1', value: 100 }, { type: 'Claim2', value: 200 }]), 'Claim3'), [300]);
  assert.deepEqual(added(run(rule, [{ type: 'Claim3', value: 1 }]), 'Claim3'), [1]);
});

test('a bad JmesPath query fails evaluation at the rule', () => {
  throwsCode(() => run('c:[type=="J"] => add(type="R", value=JmesPath(c.value, "foo[?"));', [{ type: 'J', value: '{}' }]),
    'ERR_POLICY_EVALUATION_FAILED', { line: 4, column: 38 });
});

// A small TCG event log in the JSON shape MAA gives the "events" claim.
const EVENTS = (secureBoot: string) => JSON.stringify({
  Events: [
    { EventSeq: 0, EventTypeString: 'EV_EFI_VARIABLE_DRIVER_CONFIG', PcrIndex: 7,
      ProcessedData: { UnicodeName: 'SecureBoot', VariableGuid: '8BE4DF61-93CA-11D2-AA0D-00E098032B8C', VariableData: secureBoot } },
    { EventSeq: 1, EventTypeString: 'EV_EVENT_TAG', PcrIndex: 12,
      ProcessedData: { EVENT_TRUSTBOUNDARY: { EVENT_CODEINTEGRITY: true, EVENT_BITLOCKER_UNLOCK: { Value: 0 },
        EVENT_LOADEDMODULE_AGGREGATION: [{ EVENT_FILEPATH: '\\Windows\\System32\\drivers\\wdboot.sys', EVENT_IMAGEVALIDATED: true }] } } },
    { EventSeq: 2, EventTypeString: 'EV_EVENT_TAG', PcrIndex: 13, ProcessedData: { EVENT_TRUSTBOUNDARY: { EVENT_CODEINTEGRITY: true } } },
  ],
});

// tpm-attestation-sample-policies: "Sample policy for TPM using Policy version 1.2"
const TPM_12 = `version=1.2;

configurationrules{
};

authorizationrules { 
\t=> permit();
};

issuancerules{

c:[type == "aikValidated", issuer=="AttestationService"] =>issue(type="aikValidated", value=c.value);

// SecureBoot enabled 
c:[type == "events", issuer=="AttestationService"] => add(type = "efiConfigVariables", value = JmesPath(c.value, "Events[?EventTypeString == 'EV_EFI_VARIABLE_DRIVER_CONFIG' && ProcessedData.VariableGuid == '8BE4DF61-93CA-11D2-AA0D-00E098032B8C']"));
c:[type == "efiConfigVariables", issuer=="AttestationPolicy"]=> issue(type = "SecureBootEnabled", value = JsonToClaimValue(JmesPath(c.value, "[?ProcessedData.UnicodeName == 'SecureBoot'] | length(@) == \`1\` && @[0].ProcessedData.VariableData == 'AQ'")));
![type=="SecureBootEnabled", issuer=="AttestationPolicy"] => issue(type="SecureBootEnabled", value=false);

// Retrieve bool properties Code integrity
c:[type=="events", issuer=="AttestationService"] => add(type="boolProperties", value=JmesPath(c.value, "Events[? EventTypeString == 'EV_EVENT_TAG' && (PcrIndex == \`12\` || PcrIndex == \`13\` || PcrIndex == \`19\` || PcrIndex == \`20\`)].ProcessedData.EVENT_TRUSTBOUNDARY"));
c:[type=="boolProperties", issuer=="AttestationPolicy"] => add(type="codeIntegrityEnabledSet", value=JsonToClaimValue(JmesPath(c.value, "[*].EVENT_CODEINTEGRITY")));
c:[type=="codeIntegrityEnabledSet", issuer=="AttestationPolicy"] => issue(type="CodeIntegrityEnabled", value=ContainsOnlyValue(c.value, true));
![type=="CodeIntegrityEnabled", issuer=="AttestationPolicy"] => issue(type="CodeIntegrityEnabled", value=false);

// Bitlocker Boot Status, The first non zero measurement or zero.
c:[type=="events", issuer=="AttestationService"] => add(type="srtmDrtmEventPcr", value=JmesPath(c.value, "Events[? EventTypeString == 'EV_EVENT_TAG' && (PcrIndex == \`12\` || PcrIndex == \`19\`)].ProcessedData.EVENT_TRUSTBOUNDARY"));
c:[type=="srtmDrtmEventPcr", issuer=="AttestationPolicy"] => add(type="BitlockerStatus", value=JsonToClaimValue(JmesPath(c.value, "[*].EVENT_BITLOCKER_UNLOCK | @[? Value != \`0\`].Value | @[0]")));
[type=="BitlockerStatus", issuer=="AttestationPolicy"] => issue(type="BitlockerStatus", value=true);
![type=="BitlockerStatus", issuer=="AttestationPolicy"] => issue(type="BitlockerStatus", value=false);

// Elam Driver (windows defender) Loaded
c:[type=="boolProperties", issuer=="AttestationPolicy"] => add(type="elamDriverLoaded", value=JsonToClaimValue(JmesPath(c.value, "[*].EVENT_LOADEDMODULE_AGGREGATION[] | [? EVENT_IMAGEVALIDATED == \`true\` && (equals_ignore_case(EVENT_FILEPATH, '\\\\windows\\\\system32\\\\drivers\\\\wdboot.sys') || equals_ignore_case(EVENT_FILEPATH, '\\\\windows\\\\system32\\\\drivers\\\\wd\\\\wdboot.sys'))] | @ != \`null\`")));
[type=="elamDriverLoaded", issuer=="AttestationPolicy"] => issue(type="ELAMDriverLoaded", value=true);
![type=="elamDriverLoaded", issuer=="AttestationPolicy"] => issue(type="ELAMDriverLoaded", value=false);

};
`;

test('TPM 1.2 sample: boot properties computed from the event log', () => {
  const policy = parsePolicy(TPM_12);
  assert.deepEqual(policy.sections, ['configurationrules', 'authorizationrules', 'issuancerules']);
  const on = evaluatePolicy(policy, [svc('aikValidated', true), svc('events', EVENTS('AQ'))]);
  assert.deepEqual(pairs(on.issued), [
    ['aikValidated', true], ['SecureBootEnabled', true], ['CodeIntegrityEnabled', true], ['BitlockerStatus', false], ['ELAMDriverLoaded', true],
  ]);
  const off = evaluatePolicy(policy, [svc('aikValidated', true), svc('events', EVENTS('AA'))]);
  assert.deepEqual(pairs(off.issued).slice(0, 2), [['aikValidated', true], ['SecureBootEnabled', false]]);
  // Without an event log the ! rules supply the defaults.
  assert.deepEqual(pairs(evaluatePolicy(policy, [svc('aikValidated', false)]).issued), [
    ['aikValidated', false], ['SecureBootEnabled', false], ['CodeIntegrityEnabled', false], ['BitlockerStatus', false], ['ELAMDriverLoaded', false],
  ]);
});

// tpm-attestation-sample-policies: "Attestation policy to authorize only those TPMs that match known PCR hashes" (PCRs 0 and 1 kept)
const PCR_POLICY = `version=1.2;

authorizationrules
{    
    c:[type == "pcrs", issuer=="AttestationService"] =>  add(type="pcr0Validated", value=JsonToClaimValue(JmesPath(c.value, "PCRs[? Index == \`0\`].Digests.SHA256 | @[0] =='4c833b1c361fceffd8dc0f81eec76081b71e1a0eb2193caed0b6e1c7735ec33e' ")));
    c:[type == "pcrs", issuer=="AttestationService"] =>  add(type="pcr1Validated", value=JsonToClaimValue(JmesPath(c.value, "PCRs[? Index == \`1\`].Digests.SHA256 | @[0] =='8c25e3be6ad6f5bd33c9ae40d5d5461e88c1a7366df0c9ee5c7e5ff40d3d1d0e' ")));
    
    [type=="pcr0Validated", value==true] &&
    [type=="pcr1Validated", value==true] => permit();
};

issuancerules
{
};
`;

test('PCR sample: authorized only when both PCR digests match', () => {
  const policy = parsePolicy(PCR_POLICY);
  const pcrs = (pcr1: string) => svc('pcrs', { PCRs: [
    { Index: 0, Digests: { SHA256: '4c833b1c361fceffd8dc0f81eec76081b71e1a0eb2193caed0b6e1c7735ec33e' } },
    { Index: 1, Digests: { SHA256: pcr1 } },
  ] });
  assert.equal(evaluatePolicy(policy, [pcrs('8c25e3be6ad6f5bd33c9ae40d5d5461e88c1a7366df0c9ee5c7e5ff40d3d1d0e')]).authorized, true);
  assert.equal(evaluatePolicy(policy, [pcrs('00'.repeat(32))]).authorized, false);
  assert.equal(evaluatePolicy(policy, []).authorized, false);
});

test('a function inside a condition operand (documented PCR pattern)', () => {
  const result = run('c:[type == "pcrs", issuer=="AttestationService"] && c1:[type=="pcrMatchesExpectedValue", value==JsonToClaimValue(JmesPath(c.value, "PCRs[? Index == `0`].Digests.SHA1 | @[0] == `\\"KCk6Ow\\"`"))] => issue(claim = c1);',
    [svc('pcrs', '{"PCRs":[{"Index":0,"Digests":{"SHA1":"KCk6Ow"}}]}'), { type: 'pcrMatchesExpectedValue', value: true }, { type: 'pcrMatchesExpectedValue', value: false }]);
  assert.deepEqual(result.issued, [{ type: 'pcrMatchesExpectedValue', value: true, valueType: 'Boolean', issuer: 'CustomClaim' }]);
});
