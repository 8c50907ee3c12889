// Policies as Microsoft's Azure Attestation documentation publishes them (placeholders filled in),
// evaluated on chosen claim sets with the outcomes the documentation describes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePolicy, parsePolicy } from '@confide/policy';
import { pairs, svc, throwsCode } from './helpers.js';

// policy-examples: "Sample custom policy for an SGX enclave"
const SGX_CUSTOM = `version= 1.0;
authorizationrules
{
       [ type=="x-ms-sgx-is-debuggable", value==false ]
        && [ type=="x-ms-sgx-product-id", value==4639 ]
        && [ type=="x-ms-sgx-svn", value>= 0 ]
        && [ type=="x-ms-sgx-mrsigner", value=="83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e"]
    => permit();
};
issuancerules {
c:[type=="x-ms-sgx-mrsigner"] => issue(type="my-signer", value=c.value);
};
`;

// policy-examples: "Default policy for an SGX enclave"
const SGX_DEFAULT = `version= 1.1;
configurationrules{
\t=> issueproperty(type="x-ms-sgx-tcbidentifier", value="azuredefault");
};
authorizationrules{
\t=> permit();
};
issuancerules{
\tc:[type=="x-ms-sgx-is-debuggable"] => issue(type="is-debuggable", value=c.value);
\tc:[type=="x-ms-sgx-mrsigner"] => issue(type="sgx-mrsigner", value=c.value);
\tc:[type=="x-ms-sgx-mrenclave"] => issue(type="sgx-mrenclave", value=c.value);
\tc:[type=="x-ms-sgx-product-id"] => issue(type="product-id", value=c.value);
\tc:[type=="x-ms-sgx-svn"] => issue(type="svn", value=c.value);
\tc:[type=="x-ms-attestation-type"] => issue(type="tee", value=c.value);
};
`;

// policy-examples: "Sample custom policy to support multiple SGX enclaves" (no issuancerules section)
const SGX_MULTI = `version= 1.0;
authorizationrules 
{
\t[ type=="x-ms-sgx-is-debuggable", value==true ]&&
\t[ type=="x-ms-sgx-mrsigner", value=="mrsigner1"] => permit(); 
\t[ type=="x-ms-sgx-is-debuggable", value==true ]&& 
\t[ type=="x-ms-sgx-mrsigner", value=="mrsigner2"] => permit(); 
};
`;

// policy-examples: the payload of the signed JWT policy sample, decoded (deny before a catch-all permit).
const SGX_SIGNED_PAYLOAD = 'version=1.0;authorizationrules {c:[type=="$is-debuggable"] && [value==true] => deny();=> permit();};issuancerules {    c:[type=="$is-debuggable"] => issue(type="NotDebuggable", value=c.value);    c:[type=="$is-debuggable"] => issue(type="is-debuggable", value=c.value);    c:[type=="$sgx-mrsigner"] => issue(type="sgx-mrsigner", value=c.value);    c:[type=="$sgx-mrenclave"] => issue(type="sgx-mrenclave", value=c.value);    c:[type=="$product-id"] => issue(type="product-id", value=c.value);    c:[type=="$svn"] => issue(type="svn", value=c.value);    c:[type=="$tee"] => issue(type="tee", value=c.value);    c:[type=="$tee-future"] => issue(type="tee-future", value=c.value);};';

// policy-version-1-1: "Sample policy for TPM"
const TPM_11 = `version=1.1;

configurationrules{
=> issueproperty(type = "required_pcr_mask", value = 15);
=> issueproperty(type = "require_valid_aik_cert", value = false);
};

authorizationrules { 
    => permit();
};


issuancerules
{
[type=="aikValidated", value==true]&& 
[type=="secureBootEnabled", value==true] &&
[type=="bootDebuggingDisabled", value==true] && 
[type=="notSafeMode", value==true] => issue(type="PlatformAttested", value=true);

[type=="aikValidated", value==false]&& 
[type=="secureBootEnabled", value==true] &&
[type=="bootDebuggingDisabled", value==true] && 
[type=="notSafeMode", value==true] => issue(type="PlatformAttested", value=false);
};
`;

// tpm-attestation-sample-policies: "Sample policy for TPM using Policy version 1.0"
const TPM_10 = `version=1.0;

authorizationrules { 
    => permit();
};

issuancerules
{
[type=="aikValidated", value==true]&& 
[type=="secureBootEnabled", value==true] &&
[type=="bootDebuggingDisabled", value==true] && 
[type=="vbsEnabled", value==true] && 
[type=="notWinPE", value==true] && 
[type=="notSafeMode", value==true] => issue(type="PlatformAttested", value=true);
};
`;

// Published Azure VM (vTPM / confidential VM guest attestation) policies: the default-style
// policy, and a deny-list policy with comments as Edgeless Constellation patches it into MAA.
const AZURE_VM = `version= 1.0;
authorizationrules
{
    [type=="x-ms-azurevm-vmid"] => permit();
};
issuancerules
{
    c:[type=="x-ms-azurevm-attestation-protocol-ver"] => issue(type="protocol-version", value=c.value);
    c:[type=="x-ms-azurevm-vmid"] => issue(type="vm-id", value=c.value);
    c:[type=="x-ms-azurevm-is-windows"] => issue(type="is-windows", value=c.value);
    c:[type=="x-ms-azurevm-boot-integrity-svg"] => issue(type="boot-integrity", value=c.value);
};`;
const AZURE_VM_DENY_LIST = `
                version= 1.0;
                authorizationrules
                {
                    [type=="x-ms-azurevm-default-securebootkeysvalidated", value==false] => deny();
                    [type=="x-ms-azurevm-debuggersdisabled", value==false] => deny();
                    // The line below was edited by the Constellation CLI. Do not edit manually.
                    //[type=="secureboot", value==false] => deny();
                    [type=="x-ms-azurevm-signingdisabled", value==false] => deny();
                    [type=="x-ms-azurevm-dbvalidated", value==false] => deny();
                    [type=="x-ms-azurevm-dbxvalidated", value==false] => deny();
                    => permit();
                };
                issuancerules
                {
                };`;

const SGX_CLAIMS = [
  svc('x-ms-sgx-is-debuggable', false),
  svc('x-ms-sgx-product-id', 4639),
  svc('x-ms-sgx-svn', 2),
  svc('x-ms-sgx-mrsigner', '83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e'),
  svc('x-ms-sgx-mrenclave', 'ab'.repeat(32)),
  svc('x-ms-attestation-type', 'sgx'),
];

test('SGX custom sample: permits the matching enclave and issues the custom-named claim', () => {
  const policy = parsePolicy(SGX_CUSTOM);
  assert.equal(policy.version, '1.0');
  assert.deepEqual(policy.sections, ['authorizationrules', 'issuancerules']);
  const result = evaluatePolicy(policy, SGX_CLAIMS);
  assert.equal(result.authorized, true);
  assert.deepEqual(result.issued, [{ type: 'my-signer', value: '83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e', valueType: 'String', issuer: 'AttestationPolicy' }]);
});

test('SGX custom sample: a debuggable enclave, another product or a negative svn is not authorized', () => {
  const policy = parsePolicy(SGX_CUSTOM);
  const swap = (type: string, value: unknown) => SGX_CLAIMS.map((c) => (c.type === type ? svc(type, value) : c));
  for (const claims of [swap('x-ms-sgx-is-debuggable', true), swap('x-ms-sgx-product-id', 1), swap('x-ms-sgx-svn', -1)]) {
    const result = evaluatePolicy(policy, claims);
    assert.equal(result.authorized, false);
    assert.deepEqual(result.issued, []);
  }
});

test('SGX default policy (1.1): tcb identifier property, and the six documented claims', () => {
  const result = evaluatePolicy(parsePolicy(SGX_DEFAULT), SGX_CLAIMS);
  assert.equal(result.authorized, true);
  assert.deepEqual(result.properties, { 'x-ms-sgx-tcbidentifier': 'azuredefault' });
  assert.deepEqual(pairs(result.issued), [
    ['is-debuggable', false],
    ['sgx-mrsigner', '83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e'],
    ['sgx-mrenclave', 'ab'.repeat(32)],
    ['product-id', 4639],
    ['svn', 2],
    ['tee', 'sgx'],
  ]);
});

test('SGX multi-enclave sample: either signer is permitted, a third is not', () => {
  const policy = parsePolicy(SGX_MULTI);
  assert.deepEqual(policy.sections, ['authorizationrules']);
  const claims = (signer: string) => [svc('x-ms-sgx-is-debuggable', true), svc('x-ms-sgx-mrsigner', signer)];
  assert.equal(evaluatePolicy(policy, claims('mrsigner1')).authorized, true);
  assert.equal(evaluatePolicy(policy, claims('mrsigner2')).authorized, true);
  assert.equal(evaluatePolicy(policy, claims('mrsigner3')).authorized, false);
});

test('SGX signed-policy sample: deny before a catch-all permit refuses debuggable enclaves', () => {
  const policy = parsePolicy(SGX_SIGNED_PAYLOAD);
  const base = [svc('$sgx-mrsigner', 'aa'), svc('$svn', 1), svc('$tee', 'sgx')];
  const release = evaluatePolicy(policy, [svc('$is-debuggable', false), ...base]);
  assert.equal(release.authorized, true);
  assert.deepEqual(pairs(release.issued), [['NotDebuggable', false], ['is-debuggable', false], ['sgx-mrsigner', 'aa'], ['svn', 1], ['tee', 'sgx']]);
  const debug = evaluatePolicy(policy, [svc('$is-debuggable', true), ...base]);
  assert.equal(debug.authorized, false);
  assert.deepEqual(debug.issued, []);
});

test('TPM 1.0 sample: PlatformAttested only when every boot property holds', () => {
  const policy = parsePolicy(TPM_10);
  const good = ['aikValidated', 'secureBootEnabled', 'bootDebuggingDisabled', 'vbsEnabled', 'notWinPE', 'notSafeMode'].map((t) => svc(t, true));
  assert.deepEqual(pairs(evaluatePolicy(policy, good).issued), [['PlatformAttested', true]]);
  const noVbs = good.map((c) => (c.type === 'vbsEnabled' ? svc('vbsEnabled', false) : c));
  const result = evaluatePolicy(policy, noVbs);
  assert.equal(result.authorized, true);
  assert.deepEqual(result.issued, []);
});

test('TPM 1.1 sample: configuration properties, PlatformAttested true or false by aikValidated', () => {
  const policy = parsePolicy(TPM_11);
  const claims = (aik: boolean) => [svc('aikValidated', aik), svc('secureBootEnabled', true), svc('bootDebuggingDisabled', true), svc('notSafeMode', true)];
  const valid = evaluatePolicy(policy, claims(true));
  assert.deepEqual(valid.properties, { required_pcr_mask: 15, require_valid_aik_cert: false });
  assert.deepEqual(valid.issued, [{ type: 'PlatformAttested', value: true, valueType: 'Boolean', issuer: 'AttestationPolicy' }]);
  assert.deepEqual(pairs(evaluatePolicy(policy, claims(false)).issued), [['PlatformAttested', false]]);
});

test('author-sign-policy drafts: deny() refuses; the issued SecurityLevelValue has the documented shape', () => {
  const deny = parsePolicy('version=1.0;\nauthorizationrules\n{\n=>deny();\n};\n\nissuancerules\n{\n};\n');
  assert.equal(evaluatePolicy(deny, [svc('secureBootEnabled', true)]).authorized, false);
  const issue = parsePolicy(`version=1.0;
authorizationrules
{
[type=="secureBootEnabled", value==true, issuer=="AttestationService"]=>permit();
};

issuancerules
{
=> issue(type="SecurityLevelValue", value=100);
};`);
  const result = evaluatePolicy(issue, [svc('secureBootEnabled', true)]);
  // The documentation: [type="SecurityLevelValue", value=100, valueType="Integer", issuer="AttestationPolicy"]
  assert.deepEqual(result.issued, [{ type: 'SecurityLevelValue', value: 100, valueType: 'Integer', issuer: 'AttestationPolicy' }]);
  // The same claim from a client (issuer CustomClaim by default) does not satisfy issuer=="AttestationService".
  assert.equal(evaluatePolicy(issue, [{ type: 'secureBootEnabled', value: true }]).authorized, false);
});

test('claim-rule-grammar: F1 binding compares an AttestationService claim with a CustomClaim one', () => {
  const policy = parsePolicy(`version=1.1;
authorizationrules { => permit(); };
issuancerules {
F1:[type=="OSName", issuer=="CustomClaim"] &&
[type=="OSName", issuer=="AttestationService", value==F1.value ]
=> issueproperty(type="report_validity_in_minutes", value=1440);
F1:[type=="OSName", issuer=="CustomClaim"] &&
C2:[type=="OSName", issuer=="AttestationService", value==F1.value ]
=> issue(claim = C2);
};`);
  const same = evaluatePolicy(policy, [{ type: 'OSName', value: 'Windows' }, svc('OSName', 'Windows')]);
  assert.deepEqual(same.properties, { report_validity_in_minutes: 1440 });
  assert.deepEqual(same.issued, [{ type: 'OSName', value: 'Windows', valueType: 'String', issuer: 'AttestationService' }]);
  const differ = evaluatePolicy(policy, [{ type: 'OSName', value: 'Linux' }, svc('OSName', 'Windows')]);
  assert.deepEqual(differ.properties, {});
  assert.deepEqual(differ.issued, []);
});

test('Azure VM policies: vmid permits and issues; the deny list refuses any false property', () => {
  const vm = [svc('x-ms-azurevm-vmid', 'A1B2'), svc('x-ms-azurevm-attestation-protocol-ver', '2.0'), svc('x-ms-azurevm-is-windows', false)];
  const result = evaluatePolicy(parsePolicy(AZURE_VM), vm);
  assert.equal(result.authorized, true);
  assert.deepEqual(pairs(result.issued), [['protocol-version', '2.0'], ['vm-id', 'A1B2'], ['is-windows', false]]);
  assert.equal(evaluatePolicy(parsePolicy(AZURE_VM), [svc('x-ms-azurevm-is-windows', false)]).authorized, false);

  const denyList = parsePolicy(AZURE_VM_DENY_LIST);
  const props = ['default-securebootkeysvalidated', 'debuggersdisabled', 'signingdisabled', 'dbvalidated', 'dbxvalidated'];
  assert.equal(evaluatePolicy(denyList, props.map((p) => svc(`x-ms-azurevm-${p}`, true))).authorized, true);
  for (const bad of props) {
    const claims = props.map((p) => svc(`x-ms-azurevm-${p}`, p !== bad));
    assert.equal(evaluatePolicy(denyList, claims).authorized, false, bad);
  }
  // The commented-out secureboot rule has no effect.
  assert.equal(evaluatePolicy(denyList, [svc('secureboot', false)]).authorized, true);
});

test('documentation samples with known typos are refused at the typo', () => {
  // author-sign-policy's first sample used type="..." in a condition (MicrosoftDocs/azure-docs#71695).
  throwsCode(() => parsePolicy(`version=1.0;
authorizationrules
{
   c:[type="secureBootEnables", issuer=="AttestationService"]=> permit()
};`), 'ERR_POLICY_SYNTAX', { line: 4, column: 11 });
  // policy-version-1-2's sample used issuer="AttestationPolicy" (MicrosoftDocs/azure-docs#92757: the service reports a syntax error).
  throwsCode(() => parsePolicy(`version=1.2;
authorizationrules { => permit(); };
issuancerules {
c:[type=="efiConfigVariables", issuer="AttestationPolicy"]=> add(type = "x", value = c.value);
};`), 'ERR_POLICY_SYNTAX', { line: 4, column: 38 });
});
