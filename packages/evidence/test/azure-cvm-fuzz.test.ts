/**
 * A bounded-time fuzz pass over the Azure CVM parsers: mutations of the real vectors must be
 * parsed or refused with a ConfideError, never another exception or a hang.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAzureCvmEvidence, parseAzureCvmEvidenceJson, parseHclReport, parseRuntimeData, parseVtpmQuoteBincode } from '../src/index.js';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { fuzz } from './fuzz-support.js';
import { SNP_DIR, TDX_DIR, snpRawParts, tdxRawParts } from './azure-cvm-support.js';

describe('Azure CVM parsers under fuzzing throw only ConfideError', { skip: vectorsMissing }, () => {
  const hcl = [vector(`${SNP_DIR}/hcl-report.bin`), vector(`${TDX_DIR}/hcl-report.bin`)];

  it('HCL report, and the evidence built on it', async () => {
    const snp = snpRawParts();
    const tdx = tdxRawParts();
    assert.ok((await fuzz('HCL report', hcl, (b) => parseHclReport(b))) > 0);
    assert.ok((await fuzz('HCL evidence (SNP)', [hcl[0]!], (b) => parseAzureCvmEvidence({ ...snp, hclReport: b }))) > 0);
    assert.ok((await fuzz('HCL evidence (TDX)', [hcl[1]!], (b) => parseAzureCvmEvidence({ ...tdx, hclReport: b }))) > 0);
  });

  it('runtime data JSON', async () => {
    const seeds = hcl.map((b) => parseHclReport(b).runtimeData.slice());
    assert.ok((await fuzz('runtime data', seeds, (b) => parseRuntimeData(b))) > 0);
  });

  it('Trustee evidence JSON (every version)', async () => {
    const seeds = [`${SNP_DIR}/evidence-v1.json`, `${SNP_DIR}/evidence-v2.json`, `${TDX_DIR}/evidence-v1.json`].map((p) => vector(p));
    assert.ok((await fuzz('Trustee JSON', seeds, (b) => parseAzureCvmEvidenceJson(b))) > 0);
  });

  it('bincode vTPM quote', async () => {
    assert.ok((await fuzz('bincode quote', [vector(`${SNP_DIR}/quote.bin`), vector(`${TDX_DIR}/quote.bin`)], (b) => parseVtpmQuoteBincode(b))) > 0);
  });
});
