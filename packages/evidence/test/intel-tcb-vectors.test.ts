/**
 * TCB evaluation against real Intel collateral from the shared vectors.
 *
 * The PCK TCB values (SGX extension OID 1.2.840.113741.1.13.1 of the PCK certificate in each
 * quote's certification data), the QE report fields and, for TDX, TEE_TCB_SVN / MRSIGNERSEAM /
 * SEAMATTRIBUTES (TD report body offsets 0, 64, 112) were read out once from the named quote
 * files with a throwaway script, so these tests do not depend on the quote parser. Expected
 * statuses are the vectors README's (with its "Correction" section for TDX module identities).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { type IntelCollateral, type PckTcb, type QeReportFields, type TcbEvaluationInput, evaluateIntelTcb } from '@confide/evidence';
import { at, vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { DCAP_QVL_FILES, dcapQvlCollateral, flipBodyByte, hex, pcsResponse, signingKeyFromChain } from './intel-tcb-fixtures.js';

const SGX_QE_MRSIGNER = '8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff';
const TD_QE_MRSIGNER = 'dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5';
const QE_ATTRIBUTES_E7 = '1500000000000000e700000000000000';
const QE_ATTRIBUTES_07 = '15000000000000000700000000000000';
const ZERO_MRSIGNERSEAM = '00'.repeat(48);
const ZERO_SEAMATTRIBUTES = '00'.repeat(8);

function pck(fmspc: string, sgx: number[], pceSvn: number): PckTcb {
  return { fmspc, pceId: '0000', sgxTcbComponents: [...sgx, ...Array<number>(16 - sgx.length).fill(0)], pceSvn, cpuSvn: '' };
}
function qe(mrsigner: string, isvProdId: number, isvSvn: number, attributes: string): QeReportFields {
  return { mrsigner, isvProdId, isvSvn, miscselect: 0, attributes };
}
function tdxSvn(prefix: string): Uint8Array {
  return hex(prefix.padEnd(32, '0'));
}

interface VectorCase {
  name: string;
  collateral: string;
  at: number;
  input: Omit<TcbEvaluationInput, 'collateral' | 'tcbSigningKey' | 'at'>;
  tcbStatus: string;
  advisoryIds: string[];
  platformStatus?: string;
  qeStatus?: string;
  tdxModuleStatus?: string;
  tdxModuleIdentity?: string;
  expired?: string[];
}

function sgxInput(p: PckTcb, q: QeReportFields): VectorCase['input'] {
  return { tee: 'sgx', quoteVersion: 3, pck: p, qe: q };
}
function tdxInput(version: number, p: PckTcb, q: QeReportFields, teeTcbSvn: string): VectorCase['input'] {
  return { tee: 'tdx', quoteVersion: version, pck: p, qe: q, teeTcbSvn: tdxSvn(teeTcbSvn), mrSignerSeam: ZERO_MRSIGNERSEAM, seamAttributes: ZERO_SEAMATTRIBUTES };
}

const DERIVED_00806F = 'tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json';
const AT_00806F = 1759172698;
const SA_TDX_2025 = ['INTEL-SA-00960', 'INTEL-SA-00982', 'INTEL-SA-00986'];

const CASES: VectorCase[] = [
  {
    name: 'SGX phala sgx_quote, 2025-06 collateral',
    collateral: 'sgx/phala-dcap-qvl/sgx_quote_collateral.json',
    at: 1750334171,
    input: sgxInput(pck('00a067110000', [11, 11, 2, 2, 255, 1], 13), qe(SGX_QE_MRSIGNER, 1, 10, QE_ATTRIBUTES_E7)),
    tcbStatus: 'ConfigurationAndSWHardeningNeeded',
    advisoryIds: ['INTEL-SA-00289', 'INTEL-SA-00615'],
    platformStatus: 'ConfigurationAndSWHardeningNeeded',
    qeStatus: 'UpToDate',
    expired: [],
  },
  {
    name: 'SGX phala sgx_quote, 2023-11 collateral',
    collateral: 'sgx/phala-dcap-qvl/sgx_quote_collateral_2023-11-21_commit-eadf882.json',
    at: 1700530766,
    input: sgxInput(pck('00a067110000', [11, 11, 2, 2, 255, 1], 13), qe(SGX_QE_MRSIGNER, 1, 10, QE_ATTRIBUTES_E7)),
    tcbStatus: 'ConfigurationAndSWHardeningNeeded',
    advisoryIds: ['INTEL-SA-00289', 'INTEL-SA-00615'],
    expired: [],
  },
  {
    name: 'SGX mobilecoin hw_quote, 2023-07 collateral',
    collateral: 'sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json',
    at: 1689198505,
    input: sgxInput(pck('00906ed50000', [20, 20, 2, 4, 1, 128, 14], 13), qe(SGX_QE_MRSIGNER, 1, 9, QE_ATTRIBUTES_07)),
    tcbStatus: 'SWHardeningNeeded',
    advisoryIds: ['INTEL-SA-00334', 'INTEL-SA-00615'],
    qeStatus: 'UpToDate',
    expired: [],
  },
  {
    name: 'SGX Azure intel-sdk release quote, mobilecoin 2023-07 collateral',
    collateral: 'sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json',
    at: 1689198505,
    input: sgxInput(pck('00906ed50000', [20, 20, 2, 4, 1, 128, 14], 13), qe(SGX_QE_MRSIGNER, 1, 9, QE_ATTRIBUTES_07)),
    tcbStatus: 'SWHardeningNeeded',
    advisoryIds: ['INTEL-SA-00334', 'INTEL-SA-00615'],
  },
  {
    // PCK 2021 (CPUSVN 17,17,...,6; PCE SVN 10) and QE SVN 5: both out of date.
    name: 'SGX Azure oe-sdk release quote, mobilecoin 2023-07 collateral',
    collateral: 'sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json',
    at: 1689198505,
    input: sgxInput(pck('00906ed50000', [17, 17, 2, 4, 1, 128, 6], 10), qe(SGX_QE_MRSIGNER, 1, 5, QE_ATTRIBUTES_07)),
    tcbStatus: 'OutOfDate',
    // Seven from the platform level plus INTEL-SA-00477 from the QE level (isvsvn 5): the README's 8.
    advisoryIds: [
      'INTEL-SA-00161',
      'INTEL-SA-00219',
      'INTEL-SA-00289',
      'INTEL-SA-00334',
      'INTEL-SA-00477',
      'INTEL-SA-00614',
      'INTEL-SA-00615',
      'INTEL-SA-00617',
    ],
    qeStatus: 'OutOfDate',
  },
  {
    name: 'TDX phala tdx_quote, 2025-06 collateral',
    collateral: 'tdx/phala-dcap-qvl/tdx_quote_collateral.json',
    at: 1750332747,
    input: tdxInput(4, pck('b0c06f000000', [3, 3, 2, 2, 4, 1, 0, 5], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '060103'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    platformStatus: 'UpToDate',
    qeStatus: 'UpToDate',
    tdxModuleStatus: 'UpToDate',
    tdxModuleIdentity: 'TDX_01',
    expired: [],
  },
  {
    name: 'TDX phala tdx_quote, derived b0c06f 2025-09',
    collateral: 'tdx/derived-collateral/tdx_b0c06f000000_2025-09-29_collateral.json',
    at: 1759174018,
    input: tdxInput(4, pck('b0c06f000000', [3, 3, 2, 2, 4, 1, 0, 5], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '060103'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    name: 'TDX phala near gas quote',
    collateral: 'tdx/phala-dcap-qvl/near_gas_test_quote_collateral.json',
    at: 1756802519,
    input: tdxInput(4, pck('20a06f000000', [4, 4, 2, 2, 5, 255, 0, 2], 13), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_07), '060104'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    name: 'TDX phala quote-from-tappd (TEE_TCB_SVN 05010200): no level',
    collateral: 'tdx/phala-dcap-qvl/tdx_quote_collateral.json',
    at: 1750332747,
    input: tdxInput(4, pck('b0c06f000000', [2, 2, 2, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '050102'),
    tcbStatus: 'NotSupported',
    advisoryIds: [],
    platformStatus: 'NotSupported',
  },
  {
    name: 'TDX phala tdx_quote_outdated (v5): no level',
    collateral: 'tdx/phala-dcap-qvl/tdx_quote_outdated_collateral.json',
    at: 1771415931,
    input: tdxInput(5, pck('90c06f000000', [3, 3, 2, 2, 4, 1, 0, 3], 13), qe(TD_QE_MRSIGNER, 2, 7, QE_ATTRIBUTES_E7), '070103'),
    tcbStatus: 'NotSupported',
    advisoryIds: [],
  },
  {
    name: 'TDX go-tdx-guest quote_v5_sample, phala 2026-02 collateral',
    collateral: 'tdx/phala-dcap-qvl/tdx_quote_outdated_collateral.json',
    at: 1771415931,
    input: tdxInput(5, pck('90c06f000000', [4, 4, 2, 2, 4, 1, 0, 5], 13), qe(TD_QE_MRSIGNER, 2, 7, QE_ATTRIBUTES_E7), '0b0104'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    name: 'TDX go-tdx-guest quote_v5_sample, tinfoil 2026-01 collateral',
    collateral: 'tdx/tinfoilsh-verifier-collateral/collateral_dcap_qvl_format_90c06f000000_platform.json',
    at: 1769558400,
    input: tdxInput(5, pck('90c06f000000', [4, 4, 2, 2, 4, 1, 0, 5], 13), qe(TD_QE_MRSIGNER, 2, 7, QE_ATTRIBUTES_E7), '0b0104'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    name: 'TDX go-tdx-guest SPR_E4 (tdxtcbcomponents[2] 4 < 5): no level',
    collateral: 'tdx/google-go-tdx-guest/collateral_dcap_qvl_format.json',
    at: 1687081378,
    input: tdxInput(4, pck('50806f000000', [3, 3, 2, 2, 2, 1, 0, 2], 11), qe(TD_QE_MRSIGNER, 2, 4, QE_ATTRIBUTES_E7), '030004'),
    tcbStatus: 'NotSupported',
    advisoryIds: [],
  },
  {
    // Correction pair: dcap-qvl 0.3.9 says OutOfDate; Intel's rule grades bytes 0-1 through TDX_01.
    name: 'TDX go-tdx-guest ccel_cos-113, derived 00806f 2025-09 (Correction: UpToDate)',
    collateral: DERIVED_00806F,
    at: AT_00806F,
    input: tdxInput(4, pck('00806f050000', [7, 7, 2, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '040107'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    platformStatus: 'UpToDate',
    tdxModuleStatus: 'UpToDate',
    tdxModuleIdentity: 'TDX_01',
    expired: [],
  },
  {
    name: 'TDX teekit Azure v4, derived 00806f 2025-09 (Correction: UpToDate)',
    collateral: DERIVED_00806F,
    at: AT_00806F,
    input: tdxInput(4, pck('00806f050000', [7, 7, 2, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '040107'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    name: 'TDX trustee Azure td-quote, derived 00806f 2025-09 (Correction: module TDX_01 OutOfDate)',
    collateral: DERIVED_00806F,
    at: AT_00806F,
    input: tdxInput(4, pck('00806f050000', [6, 6, 2, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 5, QE_ATTRIBUTES_E7), '020106'),
    tcbStatus: 'OutOfDate',
    advisoryIds: SA_TDX_2025,
    tdxModuleStatus: 'OutOfDate',
    tdxModuleIdentity: 'TDX_01',
  },
  {
    name: 'TDX teekit GCP v4, derived 00806f 2025-09',
    collateral: DERIVED_00806F,
    at: AT_00806F,
    input: tdxInput(4, pck('00806f050000', [8, 8, 2, 2, 4, 1, 0, 6], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '080108'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    name: 'TDX oak GCP quote, derived 00806f 2025-09',
    collateral: DERIVED_00806F,
    at: AT_00806F,
    input: tdxInput(4, pck('00806f050000', [8, 8, 2, 2, 4, 1, 0, 6], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '080108'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    // Module major version 0: all 16 TDX components are compared; no module identity applies.
    name: 'TDX teekit edgeless (TEE_TCB_SVN 03000500), derived 00806f 2025-09',
    collateral: DERIVED_00806F,
    at: AT_00806F,
    input: tdxInput(4, pck('00806f050000', [5, 5, 13, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 4, QE_ATTRIBUTES_E7), '030005'),
    tcbStatus: 'OutOfDate',
    advisoryIds: ['INTEL-SA-00837', ...SA_TDX_2025],
  },
  {
    name: 'TDX teekit zkdcap, derived 00806f 2025-09',
    collateral: DERIVED_00806F,
    at: AT_00806F,
    input: tdxInput(4, pck('00806f050000', [6, 6, 2, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '040107'),
    tcbStatus: 'OutOfDate',
    advisoryIds: SA_TDX_2025,
    tdxModuleStatus: 'UpToDate',
  },
  {
    name: 'TDX teekit moemahhouk (TEE_TCB_SVN 04010200), derived 90c06f 2025-09: no level',
    collateral: 'tdx/derived-collateral/tdx_90c06f000000_2025-09-29_collateral.json',
    at: 1759174162,
    input: tdxInput(4, pck('90c06f000000', [2, 2, 2, 2, 3, 1, 0, 3], 13), qe(TD_QE_MRSIGNER, 2, 5, QE_ATTRIBUTES_E7), '040102'),
    tcbStatus: 'NotSupported',
    advisoryIds: [],
  },
  {
    name: 'TDX trustee tdx_quote_5 (v5), derived 90c06f 2025-09: no level',
    collateral: 'tdx/derived-collateral/tdx_90c06f000000_2025-09-29_collateral.json',
    at: 1759174162,
    input: tdxInput(5, pck('90c06f000000', [1, 1, 2, 2, 3, 1, 0, 3], 13), qe(TD_QE_MRSIGNER, 2, 6, QE_ATTRIBUTES_E7), '050102'),
    tcbStatus: 'NotSupported',
    advisoryIds: [],
  },
  {
    name: 'TDX trustee tdx_quote_4 (debug TD), derived 50806f 2025-09',
    collateral: 'tdx/derived-collateral/tdx_50806f000000_2025-09-29_collateral.json',
    at: 1759174162,
    input: tdxInput(4, pck('50806f000000', [5, 5, 13, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 4, QE_ATTRIBUTES_E7), '030005'),
    tcbStatus: 'OutOfDate',
    advisoryIds: ['INTEL-SA-00837', ...SA_TDX_2025],
  },
  {
    name: 'TDX trustee tdx_quote_4 (debug TD), go-tdx-guest 2023-06 collateral',
    collateral: 'tdx/google-go-tdx-guest/collateral_dcap_qvl_format.json',
    at: 1687081378,
    input: tdxInput(4, pck('50806f000000', [5, 5, 13, 2, 3, 1, 0, 3], 11), qe(TD_QE_MRSIGNER, 2, 4, QE_ATTRIBUTES_E7), '030005'),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
  },
  {
    name: 'TDX trustee tdx_quote_6 (module TDX_03), derived 00a06d 2025-10',
    collateral: 'tdx/derived-collateral/tdx_00a06d080000_2025-10-28_collateral.json',
    at: 1761637509,
    input: tdxInput(4, pck('00a06d080000', [2, 2, 7, 7, 4, 1, 0, 2], 11), qe(TD_QE_MRSIGNER, 2, 7, QE_ATTRIBUTES_E7), '050302'),
    tcbStatus: 'OutOfDate',
    advisoryIds: [],
    tdxModuleIdentity: 'TDX_03',
  },
  {
    name: 'TDX trustee tdx_quote_6, tinfoil 2026-01 collateral',
    collateral: 'tdx/tinfoilsh-verifier-collateral/collateral_dcap_qvl_format_00a06d080000_platform.json',
    at: 1768238841,
    input: tdxInput(4, pck('00a06d080000', [2, 2, 7, 7, 4, 1, 0, 2], 11), qe(TD_QE_MRSIGNER, 2, 7, QE_ATTRIBUTES_E7), '050302'),
    tcbStatus: 'OutOfDate',
    advisoryIds: [],
  },
];

async function load(path: string): Promise<{ collateral: IntelCollateral; key: CryptoKey }> {
  const collateral = dcapQvlCollateral(path);
  return { collateral, key: await signingKeyFromChain(collateral.tcbInfo.issuerChain) };
}

describe('intel TCB evaluation on real collateral', { skip: vectorsMissing }, () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { collateral, key } = await load(c.collateral);
      const r = await evaluateIntelTcb({ ...c.input, collateral, tcbSigningKey: key, at: at(c.at) });
      assert.equal(r.tcbStatus, c.tcbStatus);
      assert.deepEqual(r.advisoryIds, c.advisoryIds);
      if (c.platformStatus !== undefined) assert.equal(r.platformStatus, c.platformStatus);
      if (c.qeStatus !== undefined) assert.equal(r.qeStatus, c.qeStatus);
      if (c.tdxModuleStatus !== undefined) assert.equal(r.tdxModuleStatus, c.tdxModuleStatus);
      if (c.tdxModuleIdentity !== undefined) assert.equal(r.tdxModuleIdentity, c.tdxModuleIdentity);
      if (c.expired !== undefined) assert.deepEqual(r.expired, c.expired);
    });
  }

  it('reports the collateral dates and evaluation data numbers (phala SGX 2025-06)', async () => {
    const c = CASES[0]!;
    const { collateral, key } = await load(c.collateral);
    const r = await evaluateIntelTcb({ ...c.input, collateral, tcbSigningKey: key, at: at(c.at) });
    assert.deepEqual(r.tcbInfo, { version: 3, tcbEvaluationDataNumber: 17, issueDate: '2025-06-19T10:56:11Z', nextUpdate: '2025-07-19T10:56:11Z' });
    assert.deepEqual(r.qeIdentity, {
      version: 2,
      id: 'QE',
      tcbEvaluationDataNumber: 17,
      issueDate: '2025-06-19T10:01:18Z',
      nextUpdate: '2025-07-19T10:01:18Z',
    });
    assert.equal(r.tcbDate, '2024-03-13T00:00:00Z');
    assert.equal(r.qeTcbDate, '2024-03-13T00:00:00Z');
    assert.equal(r.tdxModuleStatus, undefined);
  });

  it('lists the TCB Info and QE Identity as expired a year later, and keeps the status', async () => {
    const c = CASES[0]!;
    const { collateral, key } = await load(c.collateral);
    const r = await evaluateIntelTcb({ ...c.input, collateral, tcbSigningKey: key, at: at(c.at + 365 * 86400) });
    assert.deepEqual(r.expired, ['tcbInfo', 'qeIdentity']);
    assert.equal(r.tcbStatus, 'ConfigurationAndSWHardeningNeeded');
  });

  it('refuses collateral for another FMSPC (SGX phala quote with mobilecoin collateral)', async () => {
    const c = CASES[0]!;
    const { collateral, key } = await load('sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json');
    await assert.rejects(
      evaluateIntelTcb({ ...c.input, collateral, tcbSigningKey: key, at: at(1689198505) }),
      (e) => isConfideError(e, 'ERR_COLLATERAL_MALFORMED'),
    );
  });

  it('refuses SGX collateral for a TDX quote (TCB Info id and QE identity id)', async () => {
    const tdx = CASES.find((x) => x.name.startsWith('TDX phala tdx_quote,'))!;
    const { collateral, key } = await load('sgx/phala-dcap-qvl/sgx_quote_collateral.json');
    const input = { ...tdx.input, pck: { ...tdx.input.pck, fmspc: '00a067110000' } };
    await assert.rejects(
      evaluateIntelTcb({ ...input, collateral, tcbSigningKey: key, at: at(1750334171) }),
      (e) => isConfideError(e, 'ERR_COLLATERAL_MALFORMED'),
    );
  });

  it('refuses a QE that is not the TD QE Intel endorses (SGX QE mrsigner against TD_QE identity)', async () => {
    const tdx = CASES.find((x) => x.name.startsWith('TDX phala tdx_quote,'))!;
    const { collateral, key } = await load(tdx.collateral);
    await assert.rejects(
      evaluateIntelTcb({ ...tdx.input, qe: { ...tdx.input.qe, mrsigner: SGX_QE_MRSIGNER }, collateral, tcbSigningKey: key, at: at(tdx.at) }),
      (e) => isConfideError(e, 'ERR_EVIDENCE_BINDING_MISMATCH'),
    );
  });
});


/** An input that reaches the signature checks and then fails on purpose if they pass: wrong FMSPC. */
function probeInput(tee: 'sgx' | 'tdx'): Omit<TcbEvaluationInput, 'collateral' | 'tcbSigningKey' | 'at'> {
  return tee === 'sgx'
    ? sgxInput(pck('ffffffffffff', [], 0), qe(SGX_QE_MRSIGNER, 1, 0, QE_ATTRIBUTES_E7))
    : tdxInput(4, pck('ffffffffffff', [], 0), qe(TD_QE_MRSIGNER, 2, 0, QE_ATTRIBUTES_E7), '');
}

describe('intel TCB collateral signatures on real collateral', { skip: vectorsMissing }, () => {
  // Every dcap-qvl collateral file: signatures verify over the exact bodies, and a flipped byte fails.
  for (const path of DCAP_QVL_FILES) {
    const tee = path.startsWith('sgx/') ? 'sgx' : 'tdx';
    it(`${path}: verifies; flipped TCB Info or QE Identity byte fails`, async () => {
      const { collateral, key } = await load(path);
      const base = { ...probeInput(tee), tcbSigningKey: key, at: at(0) };
      // Authentic collateral gets past both signatures and stops at the FMSPC check.
      await assert.rejects(evaluateIntelTcb({ ...base, collateral }), (e) => isConfideError(e, 'ERR_COLLATERAL_MALFORMED'));
      await assert.rejects(
        evaluateIntelTcb({ ...base, collateral: { ...collateral, tcbInfo: flipBodyByte(collateral.tcbInfo) } }),
        (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'),
      );
      await assert.rejects(
        evaluateIntelTcb({ ...base, collateral: { ...collateral, qeIdentity: flipBodyByte(collateral.qeIdentity) } }),
        (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'),
      );
    });
  }

  // teekit's TCB Info files (2025-09-29), as served by PCS; signed by the same TCB signing key as the near-gas chain.
  for (const fmspc of ['00806f050000', '50806f000000', '90c06f000000', 'b0c06f000000']) {
    it(`teekit tcbInfo-tdx-${fmspc}.json verifies under the near-gas TCB signing chain`, async () => {
      const near = await load('tdx/phala-dcap-qvl/near_gas_test_quote_collateral.json');
      const tcbInfo = pcsResponse(`tdx/teekit-samples/tcbinfo-2025-09/tcbInfo-tdx-${fmspc}.json`, 'tcbInfo');
      const collateral = { ...near.collateral, tcbInfo };
      const r = await evaluateIntelTcb({
        ...tdxInput(4, pck(fmspc, [255, 255, 255, 255, 255, 255, 255, 255], 255), qe(TD_QE_MRSIGNER, 2, 255, QE_ATTRIBUTES_E7), 'ffffff'),
        collateral,
        tcbSigningKey: near.key,
        at: at(1759174018),
      });
      // Maximal SVNs reach the top level; module major 0xff has no identity, so the module is not supported.
      assert.equal(r.platformStatus, 'UpToDate');
      assert.equal(r.tdxModuleIdentity, 'TDX_FF');
      assert.equal(r.tdxModuleStatus, 'NotSupported');
      assert.equal(r.tcbStatus, 'NotSupported');
      assert.deepEqual(r.expired, []);
      await assert.rejects(
        evaluateIntelTcb({ ...probeInput('tdx'), collateral: { ...collateral, tcbInfo: flipBodyByte(tcbInfo) }, tcbSigningKey: near.key, at: at(0) }),
        (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'),
      );
    });
  }

  it('mobilecoin raw PCS TCB Info and QE Identity verify under tcb_signer.pem', async () => {
    const key = await signingKeyFromChain(vectorText('sgx/mobilecoin-attestation/tcb_signer.pem'));
    const collateral: IntelCollateral = {
      tcbInfo: pcsResponse('sgx/mobilecoin-attestation/fmspc_00906ED50000_2023_07_12.json', 'tcbInfo'),
      qeIdentity: pcsResponse('sgx/mobilecoin-attestation/qe_identity.json', 'enclaveIdentity'),
      pckCrl: new Uint8Array(),
      pckCrlIssuerChain: '',
      rootCaCrl: new Uint8Array(),
    };
    const c = CASES[2]!;
    const r = await evaluateIntelTcb({ ...c.input, collateral, tcbSigningKey: key, at: at(c.at) });
    assert.equal(r.tcbStatus, 'SWHardeningNeeded');
    assert.deepEqual(r.advisoryIds, ['INTEL-SA-00334', 'INTEL-SA-00615']);
  });

  it('Intel sample TCB Info v2 and QE Identity (non-production chain) verify and evaluate', async () => {
    const dir = 'sgx/intel-dcap-sampledata/QuoteVerification-sampleData';
    const key = await signingKeyFromChain(vectorText(`${dir}/tcbSignChain.pem`));
    const collateral: IntelCollateral = {
      tcbInfo: pcsResponse(`${dir}/tcbInfo.json`, 'tcbInfo'),
      qeIdentity: pcsResponse(`${dir}/qeIdentity.json`, 'enclaveIdentity'),
      pckCrl: new Uint8Array(),
      pckCrlIssuerChain: '',
      rootCaCrl: new Uint8Array(),
    };
    // The sample quote's own FMSPC (00808e300000) does not match this TCB Info: refused.
    const mismatched = sgxInput(pck('00808e300000', [1, 1, 2, 4, 1, 128], 7), qe(SGX_QE_MRSIGNER, 1, 2, QE_ATTRIBUTES_07));
    await assert.rejects(
      evaluateIntelTcb({ ...mismatched, collateral, tcbSigningKey: key, at: at(1561709351) }),
      (e) => isConfideError(e, 'ERR_COLLATERAL_MALFORMED'),
    );
    // A PCK of the TCB Info's FMSPC at its only level, with the QE one SVN behind: OutOfDate through the QE.
    const r = await evaluateIntelTcb({
      ...sgxInput(pck('00906ed50000', [1, 1, 2, 4, 1, 128], 7), qe(SGX_QE_MRSIGNER, 1, 1, QE_ATTRIBUTES_07)),
      collateral,
      tcbSigningKey: key,
      at: at(1561709351),
    });
    assert.equal(r.tcbInfo.version, 2);
    assert.equal(r.platformStatus, 'UpToDate');
    assert.equal(r.qeStatus, 'OutOfDate');
    assert.equal(r.tcbStatus, 'OutOfDate');
    assert.deepEqual(r.expired, []);
    await assert.rejects(
      evaluateIntelTcb({ ...mismatched, collateral: { ...collateral, tcbInfo: flipBodyByte(collateral.tcbInfo) }, tcbSigningKey: key, at: at(0) }),
      (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'),
    );
  });
});
