import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock, toBase64, toHex, utf8 } from '@confide/core';
import { emptyCollateral, memoryCollateral, parseDcapQvlCollateral, verifyEvidence, type VerifyContext } from '../src/index.js';
import { at, vector, vectorText, vectorsMissing } from '@confide/test-kit/vectors';

function intelCtx(collateralFile: string, unix: number): VerifyContext {
  return {
    clock: fixedClock(at(unix)),
    collateral: memoryCollateral([{ kind: 'intel', collateral: parseDcapQvlCollateral(vectorText(collateralFile)) }]),
  };
}

test('verifyEvidence: an SGX quote in hex is detected and verified', { skip: vectorsMissing }, async () => {
  const ctx = intelCtx('sgx/phala-dcap-qvl/sgx_quote_collateral.json', 1750334171);
  const claims = await verifyEvidence(utf8(toHex(vector('sgx/phala-dcap-qvl/sgx_quote'))), {}, ctx);
  assert.equal(claims.tee, 'sgx');
  assert.equal(claims.tcbStatus, 'ConfigurationAndSWHardeningNeeded');
  assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00289', 'INTEL-SA-00615']);
  assert.match(claims.measurement, /^33d8736d/);
});

test('verifyEvidence: a TDX quote in base64 with tee "tdx"', { skip: vectorsMissing }, async () => {
  const ctx = intelCtx('tdx/phala-dcap-qvl/tdx_quote_collateral.json', 1750332747);
  const claims = await verifyEvidence(utf8(toBase64(vector('tdx/phala-dcap-qvl/tdx_quote'))), { tee: 'tdx' }, ctx);
  assert.equal(claims.tee, 'tdx');
  assert.equal(claims.tcbStatus, 'UpToDate');
  assert.match(claims.measurement, /^91eb2b44/);
});

test('verifyEvidence: a SEV-SNP report with its VCEK and the Milan chain', { skip: vectorsMissing }, async () => {
  const ctx: VerifyContext = {
    clock: fixedClock(at(1780272000)),
    collateral: memoryCollateral([{ kind: 'certificate', der: vector('sev-snp/google-go-sev-guest/vcek.der') }]),
  };
  const claims = await verifyEvidence(vector('sev-snp/google-go-sev-guest/attestation.bin'), { tee: 'auto' }, ctx);
  assert.equal(claims.tee, 'sev-snp');
  assert.match(claims.measurement, /^b07af962/);
  assert.equal(claims.chipId, toHex(vector('sev-snp/google-go-sev-guest/attestation.bin').subarray(0x1a0, 0x1e0)));
});

test('verifyEvidence: a tee that contradicts the bytes throws ERR_EVIDENCE_UNSUPPORTED', { skip: vectorsMissing }, async () => {
  const ctx: VerifyContext = { clock: fixedClock(at(1750334171)), collateral: emptyCollateral };
  await assert.rejects(verifyEvidence(vector('sgx/phala-dcap-qvl/sgx_quote'), { tee: 'tdx' }, ctx), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
  await assert.rejects(verifyEvidence(vector('tdx/phala-dcap-qvl/tdx_quote'), { tee: 'sev-snp' }, ctx), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
  await assert.rejects(verifyEvidence(vector('sev-snp/google-go-sev-guest/attestation.bin'), { tee: 'sgx' }, ctx), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
});

test('verifyEvidence: HCL reports are unsupported; unknown bytes are malformed with or without a tee', { skip: vectorsMissing }, async () => {
  const ctx: VerifyContext = { clock: fixedClock(at(1750334171)), collateral: emptyCollateral };
  await assert.rejects(verifyEvidence(vector('azure/trustee-az-snp-vtpm/hcl-report.bin'), {}, ctx), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
  await assert.rejects(verifyEvidence(utf8('hello'), {}, ctx), { code: 'ERR_EVIDENCE_MALFORMED' });
  for (const tee of ['sgx', 'tdx', 'sev-snp'] as const) {
    await assert.rejects(verifyEvidence(utf8('hello'), { tee }, ctx), { code: 'ERR_EVIDENCE_MALFORMED' }, tee);
  }
});

test('verifyEvidence: missing collateral reaches the verifier and throws ERR_COLLATERAL_MISSING', { skip: vectorsMissing }, async () => {
  const ctx: VerifyContext = { clock: fixedClock(at(1750334171)), collateral: emptyCollateral };
  await assert.rejects(verifyEvidence(vector('sgx/phala-dcap-qvl/sgx_quote'), {}, ctx), { code: 'ERR_COLLATERAL_MISSING' });
});

test('verifyEvidence: an Open Enclave-wrapped quote (hex) verifies after the header is stripped', { skip: vectorsMissing }, async () => {
  const ctx = intelCtx('sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json', 1689198505);
  const quoteHex = (JSON.parse(vectorText('sgx/azure-samples-maa/oe-sdk.enclave.info.release.json')) as { QuoteHex: string }).QuoteHex;
  const claims = await verifyEvidence(utf8(quoteHex), {}, ctx);
  assert.equal(claims.tee, 'sgx');
  assert.equal(claims.tcbStatus, 'OutOfDate');
  assert.match(claims.measurement, /^4d62dedf/);
});
