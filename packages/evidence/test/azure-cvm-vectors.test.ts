/**
 * Azure confidential VM evidence from Trustee's test data (../shared/vectors, README "Azure"):
 * every file gives the listed outcome, as Trustee's JSON (all versions) and as raw parts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { utf8 } from '@confide/core';
import {
  claimsOf,
  detectEvidence,
  parseAzureCvmEvidence,
  parseHclReport,
  verifyAzureCvmEvidence,
  verifyEvidence,
  type AzureCvmClaims,
  type VerifyContext,
} from '../src/index.js';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { CHALLENGE, SA_2025, SNP_DIR, TDX_DIR, jsonQuote, snpContext, snpRawParts, tdxContext, tdxRawParts } from './azure-cvm-support.js';

interface JsonCase {
  file: string;
  ctx: () => VerifyContext;
  hardware: 'sev-snp' | 'tdx';
  measurement: string;
  nonce: string;
  pcr0: string;
  product?: string;
}

const V2_NONCE = '982f5c6e45df0ed3f10b6f60b02f0c8390e281300f3805e2279c16168cd6ae9aa398f647caa2338748cd0fd9f5f819ef';
const GENOA_NONCE = '0218488bae25d2509232bf676f1a66a30d7372add909109b36016ef136f2938ca05475f8b46094de6b64270ea35d950f';
const SNP_PCR0 = 'e15c44796beabf46abcec7c57e590942041e47497e4ec27571c8b7664f48dced';
const TDX_PCR0 = '782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273';

const JSON_CASES: JsonCase[] = [
  { file: `${SNP_DIR}/evidence-v0.json`, ctx: () => snpContext(), hardware: 'sev-snp', measurement: '6a063be9', nonce: CHALLENGE, pcr0: SNP_PCR0, product: 'Milan' },
  { file: `${SNP_DIR}/evidence-v1.json`, ctx: () => snpContext(), hardware: 'sev-snp', measurement: '6a063be9', nonce: CHALLENGE, pcr0: SNP_PCR0, product: 'Milan' },
  { file: `${SNP_DIR}/evidence-v2.json`, ctx: () => snpContext(), hardware: 'sev-snp', measurement: '5b0ce64a', nonce: V2_NONCE, pcr0: '84275b2f4312cd4fc6cbe6b152ad3c3683e513d9f1e23c34fca160c8cca7a6a7', product: 'Milan' },
  { file: `${SNP_DIR}/evidence-genoa.json`, ctx: () => snpContext(), hardware: 'sev-snp', measurement: 'f57dc09a', nonce: GENOA_NONCE, pcr0: 'afd689d0bb1c5f36f023fbaf574135f555a28a10c1f6b938d2a25e70c7783338', product: 'Genoa' },
  { file: `${TDX_DIR}/evidence-v0.json`, ctx: () => tdxContext(), hardware: 'tdx', measurement: '024a32b0', nonce: CHALLENGE, pcr0: TDX_PCR0 },
  { file: `${TDX_DIR}/evidence-v1.json`, ctx: () => tdxContext(), hardware: 'tdx', measurement: '024a32b0', nonce: CHALLENGE, pcr0: TDX_PCR0 },
];

function assertCommon(c: AzureCvmClaims, hardware: 'sev-snp' | 'tdx'): void {
  assert.equal(c.tee, 'azure-cvm');
  assert.equal(c.azureCvm.hardware, hardware);
  assert.equal(c.isolation.tee, hardware);
  // report_data[0:32] is the runtime data's SHA-256, and the common claims are the hardware's.
  assert.equal(c.reportData.slice(0, 64), c.azureCvm.runtime.sha256);
  assert.equal(c.measurement, c.isolation.measurement);
  assert.deepEqual(c.azureCvm.runtime.keys.map((k) => k['kid']), ['HCLAkPub', 'HCLEkPub']);
  assert.equal(c.azureCvm.runtime.vmConfiguration['secure-boot'], true);
  assert.equal(c.tpm.ak.type, 'rsa-2048');
  assert.equal(c.tpm.ak.format, 'jwk');
  assert.deepEqual(c.tpm.quotes[0]!.selection, { sha256: Array.from({ length: 24 }, (_, i) => i) });
}

describe('Azure CVM evidence: Trustee JSON, every version', { skip: vectorsMissing }, () => {
  for (const t of JSON_CASES) {
    it(`${t.file} verifies end to end`, async () => {
      const bytes = vector(t.file);
      assert.equal(detectEvidence(bytes).format, 'azure-cvm-json');
      const c = claimsOf(await verifyEvidence(bytes, {}, t.ctx()), 'azure-cvm');
      assertCommon(c, t.hardware);
      assert.ok(c.measurement.startsWith(t.measurement), c.measurement);
      assert.equal(c.tpm.nonce, t.nonce);
      assert.equal(c.tpm.pcrs.sha256?.['0'], t.pcr0);
      if (t.product) assert.equal(claimsOf(c.isolation, 'sev-snp').sevSnp.product, t.product);
      if (t.hardware === 'tdx') {
        // Intel's rule: the TDX module identity TDX_01 is OutOfDate (README "Correction").
        assert.equal(c.tcbStatus, 'OutOfDate');
        assert.deepEqual(c.advisoryIds, SA_2025);
      } else {
        assert.equal(c.tcbStatus, 'UpToDate');
        assert.equal(c.isolation.tee === 'sev-snp' && c.isolation.sevSnp.vmpl, 0);
      }
    });
  }

  it('v2 binds the report data in the runtime data\'s user-data; the others leave it zero', async () => {
    const v2 = claimsOf(await verifyEvidence(vector(`${SNP_DIR}/evidence-v2.json`), {}, snpContext()), 'azure-cvm');
    assert.ok(v2.azureCvm.runtime.userData?.startsWith(V2_NONCE));
    const v1 = claimsOf(await verifyEvidence(vector(`${SNP_DIR}/evidence-v1.json`), {}, snpContext()), 'azure-cvm');
    assert.equal(v1.azureCvm.runtime.userData, '00'.repeat(64));
  });

  it('the expected nonce must equal the vTPM quote\'s extraData', async () => {
    const bytes = vector(`${SNP_DIR}/evidence-v1.json`);
    const c = claimsOf(await verifyEvidence(bytes, {}, snpContext({ expectedNonce: utf8('challenge') })), 'azure-cvm');
    assert.equal(c.tpm.nonce, CHALLENGE);
    await assert.rejects(verifyEvidence(bytes, {}, snpContext({ expectedNonce: utf8('egnellahc') })), { code: 'ERR_EVIDENCE_BINDING_MISMATCH', details: { field: 'nonce' } });
  });

  it('a TDX evidence file without its collateral is ERR_COLLATERAL_MISSING; an SNP one without a VCEK anywhere too', async () => {
    await assert.rejects(verifyEvidence(vector(`${TDX_DIR}/evidence-v1.json`), {}, snpContext()), { code: 'ERR_COLLATERAL_MISSING' });
    const parts = snpRawParts();
    await assert.rejects(verifyAzureCvmEvidence(parseAzureCvmEvidence({ ...parts, vekCertificates: [] }), snpContext()), { code: 'ERR_COLLATERAL_MISSING' });
  });
});

describe('Azure CVM evidence: raw parts', { skip: vectorsMissing }, () => {
  it('SEV-SNP: hcl-report.bin + vcek.pem + quote.bin (bincode), and with tpm-quote-v1.json', async () => {
    for (const parts of [snpRawParts(), { ...snpRawParts(), tpmQuote: jsonQuote(`${SNP_DIR}/tpm-quote-v1.json`) }]) {
      const c = await verifyAzureCvmEvidence(parseAzureCvmEvidence(parts), snpContext({ expectedNonce: utf8('challenge') }));
      assertCommon(c, 'sev-snp');
      assert.ok(c.measurement.startsWith('9ac48fca'));
      const snp = claimsOf(c.isolation, 'sev-snp').sevSnp;
      assert.equal(snp.policy.hex, '0x3001f');
      assert.deepEqual([snp.reportedTcb.bootloader, snp.reportedTcb.tee, snp.reportedTcb.snp, snp.reportedTcb.microcode], [3, 0, 8, 115]);
    }
  });

  it('TDX: hcl-report.bin + td-quote.bin + quote.bin: the TD quote\'s MRTD and report data are the TDREPORT\'s', async () => {
    for (const parts of [tdxRawParts(), { ...tdxRawParts(), tpmQuote: jsonQuote(`${TDX_DIR}/tpm-quote-v1.json`) }]) {
      const c = await verifyAzureCvmEvidence(parseAzureCvmEvidence(parts), tdxContext({ expectedNonce: utf8('challenge') }));
      assertCommon(c, 'tdx');
      assert.ok(c.measurement.startsWith('024a32b0'));
      assert.equal(claimsOf(c.isolation, 'tdx').tdx.mrtd, c.measurement);
      assert.equal(c.tcbStatus, 'OutOfDate');
      assert.equal(c.fmspc, '00806f050000');
      assert.equal(c.azureCvm.runtime.vmConfiguration['tpm-persisted'], false);
    }
  });

  it('the hardware report and runtime data apart, as the guest attestation client sends them', async () => {
    const snpHcl = parseHclReport(vector(`${SNP_DIR}/hcl-report.bin`));
    const { hclReport: _s, ...snpRest } = snpRawParts();
    const snp = await verifyAzureCvmEvidence(parseAzureCvmEvidence({ ...snpRest, snpReport: snpHcl.hardwareReport, runtimeData: snpHcl.runtimeData }), snpContext());
    assertCommon(snp, 'sev-snp');
    assert.equal(snp.azureCvm.hcl, undefined);
    const tdxHcl = parseHclReport(vector(`${TDX_DIR}/hcl-report.bin`));
    const { hclReport: _t, ...tdxRest } = tdxRawParts();
    const tdx = await verifyAzureCvmEvidence(parseAzureCvmEvidence({ ...tdxRest, runtimeData: tdxHcl.runtimeData }), tdxContext());
    assertCommon(tdx, 'tdx');
    // Another VM's runtime data is not what the report binds.
    await assert.rejects(verifyAzureCvmEvidence(parseAzureCvmEvidence({ ...snpRest, snpReport: snpHcl.hardwareReport, runtimeData: tdxHcl.runtimeData }), snpContext()), {
      code: 'ERR_EVIDENCE_BINDING_MISMATCH',
      details: { field: 'runtimeData' },
    });
    assert.throws(() => parseAzureCvmEvidence({ ...snpRest, snpReport: snpHcl.hardwareReport }), { code: 'ERR_EVIDENCE_MALFORMED', details: { field: 'runtimeData' } });
  });

  it('the HCL report keeps its parts\' exact byte ranges', () => {
    const snp = parseHclReport(vector(`${SNP_DIR}/hcl-report.bin`));
    assert.deepEqual([snp.hardware, snp.hardwareRange, snp.runtimeDataRange], ['sev-snp', { start: 32, end: 1216 }, { start: 1236, end: 1236 + 1110 }]);
    const tdx = parseHclReport(vector(`${TDX_DIR}/hcl-report.bin`));
    assert.deepEqual([tdx.hardware, tdx.hardwareRange, tdx.runtimeDataRange], ['tdx', { start: 32, end: 1056 }, { start: 1236, end: 1236 + 1201 }]);
  });

  it('an HCL report alone is recognised and refused with ERR_EVIDENCE_UNSUPPORTED', async () => {
    await assert.rejects(verifyEvidence(vector(`${SNP_DIR}/hcl-report.bin`), {}, snpContext()), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
  });
});
