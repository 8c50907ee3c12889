/** MAA attest endpoints on real hardware evidence at the vectors' pinned times. Skips when ../shared/vectors is absent. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyHash } from '@confide/policy';
import { DEFAULT_POLICIES } from '../src/index.js';
import { assertMaaError, attest, b64url, collateralFrom, testApp, verifiedToken, type TestApp } from './maa-helpers.js';
import { at, vector, vectorsDir, vectorsMissing } from '@confide/test-kit/vectors';

const skip = vectorsMissing;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256Hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

// SGX quote v3 (Intel DCAP "Enclave Report Body" at 48): MRENCLAVE 112..144, MRSIGNER 176..208.
const MRENCLAVE = [112, 144] as const;
const MRSIGNER = [176, 208] as const;

describe('SgxEnclave: the Phala dcap-qvl quote with its collateral', { skip }, () => {
  let t: TestApp;
  const quote = skip ? new Uint8Array() : vector('sgx/phala-dcap-qvl/sgx_quote');
  after(() => t?.app.close());

  it('gives a token whose RS256 signature verifies against /certs, with the exact SGX claims', async () => {
    t = await testApp({ at: at(1750334171), collateral: collateralFrom('sgx/phala-dcap-qvl/sgx_quote_collateral.json') });
    const res = await attest(t.app, 'SgxEnclave', { quote: b64url(quote), nonce: 'n-1' }, '2020-10-01');
    assert.equal(res.statusCode, 200, res.body);
    const { payload } = await verifiedToken(t.app, (res.json() as { token: string }).token);
    const mrenclave = hex(quote.subarray(...MRENCLAVE));
    const mrsigner = hex(quote.subarray(...MRSIGNER));
    assert.equal(mrenclave.slice(0, 8), '33d8736d');
    assert.equal(payload['x-ms-attestation-type'], 'sgx');
    assert.equal(payload['x-ms-sgx-mrenclave'], mrenclave);
    assert.equal(payload['x-ms-sgx-mrsigner'], mrsigner);
    assert.equal(payload['x-ms-sgx-product-id'], 0);
    assert.equal(payload['x-ms-sgx-svn'], 0);
    assert.equal(payload['x-ms-sgx-is-debuggable'], false);
    assert.equal(payload['x-ms-sgx-report-data'], hex(new TextEncoder().encode('Hello, world!')).padEnd(128, '0'));
    // The default policy's deprecated aliases and its configuration property.
    assert.equal(payload['sgx-mrenclave'], mrenclave);
    assert.equal(payload['sgx-mrsigner'], mrsigner);
    assert.equal(payload['product-id'], 0);
    assert.equal(payload['svn'], 0);
    assert.equal(payload['is-debuggable'], false);
    assert.equal(payload['tee'], 'sgx');
    assert.equal(payload['x-ms-sgx-tcbidentifier'], 'azuredefault');
    assert.equal(payload['x-ms-policy-hash'], await policyHash(DEFAULT_POLICIES.SgxEnclave));
    assert.equal(payload['x-ms-ver'], '1.0');
    assert.equal(payload['nonce'], 'n-1');
    assert.equal(payload['x-confide-tcb-status'], 'ConfigurationAndSWHardeningNeeded');
    assert.deepEqual(payload['x-confide-advisory-ids'], ['INTEL-SA-00289', 'INTEL-SA-00615']);
    assert.equal(payload['x-confide-collateral-expired'], false);
    const collateral = payload['x-ms-sgx-collateral'] as Record<string, string>;
    assert.equal(collateral['quotehash'], sha256Hex(quote));
    const dcap = JSON.parse(readFileSync(join(vectorsDir, 'sgx/phala-dcap-qvl/sgx_quote_collateral.json'), 'utf8')) as Record<string, string>;
    assert.equal(collateral['tcbinfohash'], sha256Hex(dcap['tcb_info']!));
    assert.equal(collateral['qeidhash'], sha256Hex(dcap['qe_identity']!));
    assert.equal(collateral['tcbinfocrlhash'], sha256Hex(Buffer.from(dcap['root_ca_crl']!, 'hex')));
    assert.equal(payload['x-ms-sgx-ehd'], undefined);
    assert.equal(payload['x-ms-sgx-config-id'], undefined);
  });

  it('padded base64 is accepted; a changed report body byte is refused with 400 ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
    const padded = await attest(t.app, 'SgxEnclave', { quote: Buffer.from(quote).toString('base64') });
    assert.equal(padded.statusCode, 200, padded.body);
    const forged = quote.slice();
    forged[MRENCLAVE[0]]! ^= 0x01; // the signed report body
    assertMaaError(await attest(t.app, 'SgxEnclave', { quote: b64url(forged) }), 400, 'InvalidParameter', 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('initTimeData that is not the enclave config ID: 400 ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    const res = await attest(t.app, 'SgxEnclave', { quote: b64url(quote), initTimeData: { data: b64url('init'), dataType: 'Binary' } });
    assertMaaError(res, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('without collateral the quote cannot be judged: 400 ERR_COLLATERAL_MISSING, not 500', async () => {
    const bare = await testApp({ at: at(1750334171) });
    try {
      assertMaaError(await attest(bare.app, 'SgxEnclave', { quote: b64url(quote) }), 400, 'InvalidParameter', 'ERR_COLLATERAL_MISSING');
    } finally {
      await bare.app.close();
    }
  });
});

describe('OpenEnclave: the OE-wrapped quote of an Azure MAA sample request, with its enclave held data', { skip }, () => {
  let t: TestApp;
  after(() => t?.app.close());
  const body = skip ? {} : (JSON.parse(readFileSync(join(vectorsDir, 'azure/azure-samples-maa/maa-uks-2020.post.attest.body.json'), 'utf8')) as Record<string, string>);

  it('binds SHA-256(runtimeData) to the report data and issues the claims the real MAA token shows', async () => {
    t = await testApp({ at: at(1689198505), collateral: collateralFrom('sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json') });
    const ehd = Buffer.from(body['EnclaveHeldData']!, 'base64url');
    const res = await attest(t.app, 'OpenEnclave', { report: body['Quote'], runtimeData: { data: body['EnclaveHeldData'], dataType: 'Binary' } }, '2020-10-01');
    assert.equal(res.statusCode, 200, res.body);
    const { payload } = await verifiedToken(t.app, (res.json() as { token: string }).token);
    // Values from the decoded token MAA issued for this request (maa-uks-2020.attest.response.decoded.txt).
    assert.equal(payload['x-ms-sgx-mrenclave'], '90a328210154d861be7fc85a904e99fba713b05029321a470f62ea8495ec7d90');
    assert.equal(payload['x-ms-sgx-mrsigner'], '6b1f95f512413b03759aaec2ec2b27cc2735468bb6113ccca163da92ca2b9b26');
    assert.equal(payload['x-ms-sgx-product-id'], 1);
    assert.equal(payload['x-ms-sgx-svn'], 8888);
    assert.equal(payload['x-ms-sgx-is-debuggable'], false);
    assert.equal(payload['x-ms-attestation-type'], 'sgx');
    assert.equal(payload['x-ms-sgx-ehd'], b64url(ehd));
    assert.equal((payload['x-ms-sgx-collateral'] as Record<string, string>)['quotehash'], 'e2e7d0d775f53b47b9bc9c579565cd5bca0cd0c51ccb9a99c1f076e1730607df');
    assert.equal(payload['x-ms-runtime'], undefined);
    assert.equal(payload['x-confide-tcb-status'], 'OutOfDate');
    assert.equal(payload['x-confide-collateral-expired'], true);
  });

  it('other runtimeData: 400 InvalidParameter / ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    const res = await attest(t.app, 'OpenEnclave', { report: body['Quote'], runtimeData: { data: b64url('not the enclave held data'), dataType: 'Binary' } });
    assertMaaError(res, 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('the OE endpoint takes `report`, not `quote`', async () => {
    assertMaaError(await attest(t.app, 'OpenEnclave', { quote: body['Quote'] }), 400, 'InvalidParameter', 'ERR_VALIDATION');
  });
});

describe('SevSnpVm: a Milan report in the JSON envelope with its VCEK', { skip }, () => {
  let t: TestApp;
  after(() => t?.app.close());
  const report = skip ? new Uint8Array() : vector('sev-snp/google-go-sev-guest/attestation.bin');
  const vcekPem = skip ? '' : `-----BEGIN CERTIFICATE-----\n${Buffer.from(vector('sev-snp/google-go-sev-guest/vcek.der')).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
  const envelope = (chain?: string): string => b64url(JSON.stringify({ SnpReport: b64url(report), ...(chain ? { VcekCertChain: b64url(chain) } : {}) }));

  it('verifies with the VCEK from the request and issues the x-ms-sevsnpvm claims', async () => {
    t = await testApp({ at: at(1780272000) });
    const res = await attest(t.app, 'SevSnpVm', { report: envelope(vcekPem), nonce: 12345 });
    assert.equal(res.statusCode, 200, res.body);
    const { payload } = await verifiedToken(t.app, (res.json() as { token: string }).token);
    // AMD SEV-SNP ABI Table 23: REPORT_DATA 0x50, MEASUREMENT 0x90, HOST_DATA 0xC0, VMPL 0x30.
    assert.equal(payload['x-ms-attestation-type'], 'sevsnpvm');
    assert.equal(payload['x-ms-sevsnpvm-launchmeasurement'], hex(report.subarray(0x90, 0xc0)));
    assert.equal(payload['x-ms-sevsnpvm-reportdata'], hex(report.subarray(0x50, 0x90)));
    assert.equal(payload['x-ms-sevsnpvm-hostdata'], hex(report.subarray(0xc0, 0xe0)));
    assert.equal(payload['x-ms-sevsnpvm-vmpl'], 0);
    assert.equal(payload['x-ms-sevsnpvm-is-debuggable'], true); // policy 0xb0000 allows debugging
    assert.equal(payload['x-ms-sevsnpvm-bootloader-svn'], 2);
    assert.equal(payload['x-ms-sevsnpvm-tee-svn'], 0);
    assert.equal(payload['x-ms-sevsnpvm-snpfw-svn'], 5);
    assert.equal(payload['x-ms-sevsnpvm-microcode-svn'], 68);
    assert.equal(payload['nonce'], '12345');
    assert.equal(payload['x-ms-policy-hash'], await policyHash(DEFAULT_POLICIES.SevSnpVm));
  });

  it('without a VCEK in the request or the configured collateral: 400 ERR_COLLATERAL_MISSING', async () => {
    assertMaaError(await attest(t.app, 'SevSnpVm', { report: envelope() }), 400, 'InvalidParameter', 'ERR_COLLATERAL_MISSING');
  });

  it('runtimeData and initTimeData bind to REPORT_DATA and HOST_DATA: mismatches are 400', async () => {
    assertMaaError(await attest(t.app, 'SevSnpVm', { report: envelope(vcekPem), runtimeData: { data: b64url('x'), dataType: 'Binary' } }), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
    assertMaaError(await attest(t.app, 'SevSnpVm', { report: envelope(vcekPem), initTimeData: { data: b64url('x'), dataType: 'Binary' } }), 400, 'InvalidParameter', 'ERR_EVIDENCE_BINDING_MISMATCH');
  });
});

describe('TdxVm: a GCP TD quote with its collateral', { skip }, () => {
  let t: TestApp;
  after(() => t?.app.close());

  it('issues the TDX EAT profile claims', async () => {
    t = await testApp({ at: at(1759172698), collateral: collateralFrom('tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json') });
    const quote = vector('tdx/teekit-samples/extracted/tdx-v4-gcp.quote.bin');
    const res = await attest(t.app, 'TdxVm', { quote: b64url(quote) }, '2025-06-01');
    assert.equal(res.statusCode, 200, res.body);
    const { payload } = await verifiedToken(t.app, (res.json() as { token: string }).token);
    // TD quote v4: header 48, TD report body; MRTD at body offset 136 (48 bytes), REPORTDATA at 520 (64 bytes).
    assert.equal(payload['x-ms-attestation-type'], 'tdxvm');
    assert.equal(payload['tdx_mrtd'], hex(quote.subarray(48 + 136, 48 + 184)));
    assert.equal((payload['tdx_mrtd'] as string).slice(0, 8), '409c0cd3');
    assert.equal(payload['tdx_report_data'], hex(quote.subarray(48 + 520, 48 + 584)));
    assert.equal(payload['tdx_td_attributes_debug'], false);
    assert.equal(payload['attester_tcb_status'], 'UpToDate');
    assert.equal(payload['x-confide-tcb-status'], 'UpToDate');
    assert.equal(typeof payload['tdx_rtmr3'], 'string');
  });
});
