import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from '@peculiar/x509';
import { fromHex, isConfideError, utf8 } from '@confide/core';
import { parseDcapQvlCollateral, toDcapQvlCollateral, parsePcsQeIdentity, parsePcsTcbInfo, topLevelMemberText, type SignedJson } from '../src/index.js';
import { pemCertificates } from '../src/collateral/pem.js';
import { vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { DCAP_QVL_FILES } from './intel-tcb-fixtures.js';

/** Checks the signature over the kept bytes: it only verifies when they are exactly the signed bytes. */
async function signatureVerifies(doc: SignedJson): Promise<boolean> {
  const signer = new X509Certificate(pemCertificates(doc.issuerChain)[0]! as Uint8Array<ArrayBuffer>);
  const key = await signer.publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify']);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromHex(doc.signature) as Uint8Array<ArrayBuffer>, utf8(doc.body) as Uint8Array<ArrayBuffer>);
}

for (const file of DCAP_QVL_FILES) {
  test(`dcap-qvl JSON ${file}: exact signed bytes and DER CRLs are kept`, { skip: vectorsMissing }, async () => {
    const text = vectorText(file);
    const raw = JSON.parse(text) as Record<string, string>;
    const c = parseDcapQvlCollateral(text);
    assert.equal(c.tcbInfo.body, raw['tcb_info']);
    assert.equal(c.qeIdentity.body, raw['qe_identity']);
    assert.match(c.tcbInfo.body, /^\{"(id|version)"/);
    assert.match(c.qeIdentity.body, /^\{"(id|version)"/);
    assert.equal(c.tcbInfo.signature, raw['tcb_info_signature']!.toLowerCase());
    assert.match(c.tcbInfo.signature, /^[0-9a-f]{128}$/);
    assert.deepEqual(c.pckCrl, fromHex(raw['pck_crl']!));
    assert.deepEqual(c.rootCaCrl, fromHex(raw['root_ca_crl']!));
    assert.equal(pemCertificates(c.tcbInfo.issuerChain).length, 2);
    assert.equal(pemCertificates(c.pckCrlIssuerChain).length, 2);
    assert.equal(await signatureVerifies(c.tcbInfo), true);
    assert.equal(await signatureVerifies(c.qeIdentity), true);
  });
}

test('the dcap-qvl body equals the exact substring of the PCS response it came from', { skip: vectorsMissing }, () => {
  const pairs: [string, string, 'tcb_info' | 'qe_identity'][] = [
    ['tdx/google-go-tdx-guest/collateral_dcap_qvl_format.json', 'tdx/google-go-tdx-guest/sample_tcbInfo_response', 'tcb_info'],
    ['tdx/google-go-tdx-guest/collateral_dcap_qvl_format.json', 'tdx/google-go-tdx-guest/sample_qeIdentity_response', 'qe_identity'],
    ['tdx/tinfoilsh-verifier-collateral/collateral_dcap_qvl_format_90c06f000000_platform.json', 'tdx/tinfoilsh-verifier-collateral/tcb_info_90c06f000000.json', 'tcb_info'],
    ['sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json', 'sgx/mobilecoin-attestation/fmspc_00906ED50000_2023_07_12.json', 'tcb_info'],
  ];
  for (const [bundle, response, field] of pairs) {
    const c = parseDcapQvlCollateral(vectorText(bundle));
    const body = field === 'tcb_info' ? c.tcbInfo.body : c.qeIdentity.body;
    const served = vectorText(response);
    const member = field === 'tcb_info' ? 'tcbInfo' : 'enclaveIdentity';
    assert.equal(topLevelMemberText(served, member), body, `${bundle} ${field}`);
    assert.equal(served.indexOf(body), `{"${member}":`.length);
  }
});

test('PCS v4 responses with URL-encoded issuer chains parse to the exact signed member text', { skip: vectorsMissing }, async () => {
  const dir = 'tdx/tinfoilsh-verifier-collateral';
  for (const fmspc of ['00a06d080000', '90c06f000000']) {
    const body = vectorText(`${dir}/tcb_info_${fmspc}.json`);
    const chainHeader = vectorText(`${dir}/tcb_info_${fmspc}_chain.txt`);
    assert.match(chainHeader, /^-----BEGIN%20CERTIFICATE-----%0A/);
    const doc = parsePcsTcbInfo(body, chainHeader);
    assert.equal(doc.body, body.slice('{"tcbInfo":'.length, body.lastIndexOf(',"signature"')));
    assert.match(doc.issuerChain, /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(pemCertificates(doc.issuerChain).length, 2);
    assert.equal(await signatureVerifies(doc), true);
  }
  const qe = parsePcsQeIdentity(vectorText(`${dir}/qe_identity.json`), vectorText(`${dir}/qe_identity_chain.txt`));
  assert.match(qe.body, /^\{"id":"TD_QE"/);
  assert.equal(await signatureVerifies(qe), true);
});

test('a TCB Info v2 response (no id) keeps its body', { skip: vectorsMissing }, () => {
  const body = vectorText('sgx/intel-dcap-sampledata/QuoteVerification-sampleData/tcbInfo.json');
  const chain = vectorText('tdx/google-go-tdx-guest/tcb_info_issuer_chain.pem');
  const doc = parsePcsTcbInfo(body, chain);
  assert.match(doc.body, /^\{"version":2,/);
  assert.equal(doc.body, topLevelMemberText(body, 'tcbInfo'));
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isConfideError(err) ? err.code : `not a ConfideError: ${String(err)}`;
  }
  return undefined;
}

test('broken dcap-qvl JSON throws ERR_COLLATERAL_MALFORMED', { skip: vectorsMissing }, () => {
  const good = JSON.parse(vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json')) as Record<string, unknown>;
  assert.equal(code(() => parseDcapQvlCollateral('not json')), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parseDcapQvlCollateral('{}')), 'ERR_COLLATERAL_MALFORMED');
  for (const field of ['pck_crl', 'root_ca_crl', 'tcb_info_signature', 'qe_identity_issuer_chain']) {
    const bad = { ...good };
    delete bad[field];
    assert.equal(code(() => parseDcapQvlCollateral(bad)), 'ERR_COLLATERAL_MALFORMED', field);
  }
  assert.equal(code(() => parseDcapQvlCollateral({ ...good, tcb_info_signature: 'abcd' })), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parseDcapQvlCollateral({ ...good, tcb_info: '{"id":' })), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parseDcapQvlCollateral({ ...good, pck_crl: 'zz' })), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parseDcapQvlCollateral({ ...good, pck_crl_issuer_chain: 'no pem here' })), 'ERR_COLLATERAL_MALFORMED');
  // The good one parses, so the failures above are the fields'.
  assert.equal(code(() => parseDcapQvlCollateral(good)), undefined);
});

test('dcap-qvl CRLs given as byte arrays are accepted', { skip: vectorsMissing }, () => {
  const good = JSON.parse(vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json')) as Record<string, string>;
  const asArray = { ...good, pck_crl: Array.from(fromHex(good['pck_crl']!)) };
  assert.deepEqual(parseDcapQvlCollateral(asArray).pckCrl, fromHex(good['pck_crl']!));
});

test('a PCS body without its member or signature throws ERR_COLLATERAL_MALFORMED', { skip: vectorsMissing }, () => {
  const chain = vectorText('tdx/google-go-tdx-guest/tcb_info_issuer_chain.pem');
  const body = vectorText('tdx/google-go-tdx-guest/sample_tcbInfo_response');
  assert.equal(code(() => parsePcsQeIdentity(body, chain)), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parsePcsTcbInfo(body.replace('"signature"', '"sig"'), chain)), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parsePcsTcbInfo(body, '')), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parsePcsTcbInfo(body.slice(0, -2), chain)), 'ERR_COLLATERAL_MALFORMED');
  assert.equal(code(() => parsePcsTcbInfo(body, chain)), undefined);
});

test('topLevelMemberText cuts the exact value text', () => {
  const json = ' {\n "a" : {"s":"}\\"{", "n":[1,{"x":"]"}]} ,"b":-1.5e3,"c":"x\\u0041","d":null, "a2":[] }\n';
  assert.equal(topLevelMemberText(json, 'a'), '{"s":"}\\"{", "n":[1,{"x":"]"}]}');
  assert.equal(topLevelMemberText(json, 'b'), '-1.5e3');
  assert.equal(topLevelMemberText(json, 'c'), '"x\\u0041"');
  assert.equal(topLevelMemberText(json, 'd'), 'null');
  assert.equal(topLevelMemberText(json, 'a2'), '[]');
  assert.equal(topLevelMemberText(json, 'missing'), undefined);
  assert.equal(topLevelMemberText('{}', 'a'), undefined);
  // Keys are compared decoded; the last duplicate wins, as with JSON.parse.
  assert.equal(topLevelMemberText('{"\\u0061":1,"a":2}', 'a'), '2');
  for (const bad of ['[]', '{"a":1', '{"a":1} x', '{"a" 1}', '{"a":"unterminated}', '{"a":tru}', '']) {
    assert.equal(code(() => topLevelMemberText(bad, 'a')), 'ERR_COLLATERAL_MALFORMED', bad);
  }
});

test('toDcapQvlCollateral writes what parseDcapQvlCollateral reads, byte for byte', { skip: vectorsMissing }, () => {
  const parsed = parseDcapQvlCollateral(vectorText('sgx/phala-dcap-qvl/sgx_quote_collateral.json'));
  const again = parseDcapQvlCollateral(JSON.stringify(toDcapQvlCollateral(parsed)));
  assert.deepEqual(again, parsed);
  assert.equal(again.tcbInfo.body, parsed.tcbInfo.body);
});
