/**
 * TCB evaluation branches on synthetic TCB Info / QE Identity signed with a throwaway P-256 key
 * (standing in for Intel's TCB signing key): every status, level selection, the QE and TDX module
 * folds, revocation, the v2 format, expiry, mismatches, malformed collateral and bad signatures.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { type IntelCollateral, type TcbEvaluation, type TcbEvaluationInput, evaluateIntelTcb } from '@confide/evidence';
import { type TestSigner, flipBodyByte, hex, testSigner } from './intel-tcb-fixtures.js';
import { rejectsWithCode as rejectsWith } from '@confide/test-kit/assert';

const FMSPC = '00906ed50000';
const QE_MRSIGNER = '8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff';
const TD_QE_MRSIGNER = 'dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5';
const ISSUED = '2025-01-01T00:00:00Z';
const NEXT = '2025-02-01T00:00:00Z';
const AT = new Date('2025-01-15T00:00:00Z');

type Json = Record<string, unknown>;

function comps(prefix: number[]): { svn: number }[] {
  return Array.from({ length: 16 }, (_, i) => ({ svn: prefix[i] ?? 0 }));
}

interface LevelSpec {
  sgx: number[];
  pcesvn?: number;
  tdx?: number[];
  status: string;
  advisories?: string[];
  date?: string;
}

function level(l: LevelSpec): Json {
  const tcb: Json = { sgxtcbcomponents: comps(l.sgx), pcesvn: l.pcesvn ?? 10 };
  if (l.tdx) tcb['tdxtcbcomponents'] = comps(l.tdx);
  const out: Json = { tcb, tcbDate: l.date ?? '2024-06-01T00:00:00Z', tcbStatus: l.status };
  if (l.advisories) out['advisoryIDs'] = l.advisories;
  return out;
}

function tcbInfo(levels: LevelSpec[], extra: Json = {}): Json {
  return {
    id: 'SGX',
    version: 3,
    issueDate: ISSUED,
    nextUpdate: NEXT,
    fmspc: FMSPC.toUpperCase(),
    pceId: '0000',
    tcbType: 0,
    tcbEvaluationDataNumber: 17,
    tcbLevels: levels.map(level),
    ...extra,
  };
}

const ZERO_SIGNER_48 = '00'.repeat(48);

function moduleIdentity(id: string, levels: { isvsvn: number; status: string; advisories?: string[] }[], mrsigner = ZERO_SIGNER_48): Json {
  return {
    id,
    mrsigner,
    attributes: '0000000000000000',
    attributesMask: 'FFFFFFFFFFFFFFFF',
    tcbLevels: levels.map((l) => ({
      tcb: { isvsvn: l.isvsvn },
      tcbDate: '2024-03-13T00:00:00Z',
      tcbStatus: l.status,
      ...(l.advisories ? { advisoryIDs: l.advisories } : {}),
    })),
  };
}

function tdxTcbInfo(levels: LevelSpec[], identities?: Json[], extra: Json = {}): Json {
  return tcbInfo(levels, {
    id: 'TDX',
    tdxModule: { mrsigner: ZERO_SIGNER_48, attributes: '0000000000000000', attributesMask: 'FFFFFFFFFFFFFFFF' },
    ...(identities ? { tdxModuleIdentities: identities } : {}),
    ...extra,
  });
}

function qeIdentity(levels: { isvsvn: number; status: string; advisories?: string[] }[], extra: Json = {}): Json {
  return {
    id: 'QE',
    version: 2,
    issueDate: ISSUED,
    nextUpdate: NEXT,
    tcbEvaluationDataNumber: 17,
    miscselect: '00000000',
    miscselectMask: 'FFFFFFFF',
    attributes: '11000000000000000000000000000000',
    attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
    mrsigner: QE_MRSIGNER.toUpperCase(),
    isvprodid: 1,
    tcbLevels: levels.map((l) => ({
      tcb: { isvsvn: l.isvsvn },
      tcbDate: '2024-03-13T00:00:00Z',
      tcbStatus: l.status,
      ...(l.advisories ? { advisoryIDs: l.advisories } : {}),
    })),
    ...extra,
  };
}

const QE_UP_TO_DATE = [{ isvsvn: 8, status: 'UpToDate' }];

let signer: TestSigner;
before(async () => {
  signer = await testSigner();
});

async function collateral(info: Json | string, qe: Json | string): Promise<IntelCollateral> {
  const [t, q] = await Promise.all([
    signer.sign(typeof info === 'string' ? info : JSON.stringify(info)),
    signer.sign(typeof qe === 'string' ? qe : JSON.stringify(qe)),
  ]);
  return { tcbInfo: t, qeIdentity: q, pckCrl: new Uint8Array(), pckCrlIssuerChain: '', rootCaCrl: new Uint8Array() };
}

type Overrides = Partial<Omit<TcbEvaluationInput, 'collateral' | 'tcbSigningKey'>>;

function sgxInput(sgx: number[], pceSvn = 10, qeSvn = 8): Omit<TcbEvaluationInput, 'collateral' | 'tcbSigningKey'> {
  return {
    tee: 'sgx',
    quoteVersion: 3,
    pck: { fmspc: FMSPC, pceId: '0000', sgxTcbComponents: comps(sgx).map((c) => c.svn), pceSvn, cpuSvn: '' },
    qe: { mrsigner: QE_MRSIGNER, isvProdId: 1, isvSvn: qeSvn, miscselect: 0, attributes: '15000000000000000700000000000000' },
    at: AT,
  };
}

function tdxInput(teeTcbSvn: number[], sgx: number[] = [5, 5], quoteVersion = 4, qeSvn = 4): Omit<TcbEvaluationInput, 'collateral' | 'tcbSigningKey'> {
  const base = sgxInput(sgx, 10, qeSvn);
  return {
    ...base,
    tee: 'tdx',
    quoteVersion,
    teeTcbSvn: Uint8Array.from(comps(teeTcbSvn).map((c) => c.svn)),
    qe: { ...base.qe, mrsigner: TD_QE_MRSIGNER, isvProdId: 2 },
    mrSignerSeam: ZERO_SIGNER_48,
    seamAttributes: '0000000000000000',
  };
}

const TD_QE = (levels: { isvsvn: number; status: string; advisories?: string[] }[] = [{ isvsvn: 4, status: 'UpToDate' }], extra: Json = {}): Json =>
  qeIdentity(levels, { id: 'TD_QE', mrsigner: TD_QE_MRSIGNER.toUpperCase(), isvprodid: 2, ...extra });

async function evaluate(info: Json | string, qe: Json | string, input: Omit<TcbEvaluationInput, 'collateral' | 'tcbSigningKey'>, o: Overrides = {}): Promise<TcbEvaluation> {
  return evaluateIntelTcb({ ...input, ...o, collateral: await collateral(info, qe), tcbSigningKey: signer.publicKey });
}

describe('intel TCB: platform levels (SGX, TCB Info v3)', () => {
  const statuses = ['UpToDate', 'SWHardeningNeeded', 'ConfigurationNeeded', 'ConfigurationAndSWHardeningNeeded', 'OutOfDate', 'OutOfDateConfigurationNeeded'];
  for (const status of statuses) {
    it(`a matched ${status} level gives ${status}`, async () => {
      const r = await evaluate(tcbInfo([{ sgx: [5, 5], status, advisories: ['INTEL-SA-00002', 'INTEL-SA-00001'], date: '2024-05-05T00:00:00Z' }]), qeIdentity(QE_UP_TO_DATE), sgxInput([5, 5]));
      assert.equal(r.tcbStatus, status);
      assert.equal(r.platformStatus, status);
      assert.equal(r.qeStatus, 'UpToDate');
      assert.deepEqual(r.advisoryIds, ['INTEL-SA-00001', 'INTEL-SA-00002']);
      assert.equal(r.tcbDate, '2024-05-05T00:00:00Z');
      assert.deepEqual(r.expired, []);
      assert.equal(r.tdxModuleStatus, undefined);
    });
  }

  const levels: LevelSpec[] = [
    { sgx: [6, 6], pcesvn: 11, status: 'UpToDate' },
    { sgx: [5, 5], pcesvn: 11, status: 'SWHardeningNeeded', advisories: ['INTEL-SA-00615'] },
    { sgx: [5, 5], pcesvn: 10, status: 'OutOfDate', advisories: ['INTEL-SA-00100'] },
  ];
  it('selects the first listed level every component and the PCE SVN reach', async () => {
    const qe = qeIdentity(QE_UP_TO_DATE);
    assert.equal((await evaluate(tcbInfo(levels), qe, sgxInput([6, 6], 11))).tcbStatus, 'UpToDate');
    assert.equal((await evaluate(tcbInfo(levels), qe, sgxInput([6, 5], 11))).tcbStatus, 'SWHardeningNeeded');
    assert.equal((await evaluate(tcbInfo(levels), qe, sgxInput([9, 9], 10))).tcbStatus, 'OutOfDate');
  });

  it('compares all 16 components: one below in component 16 skips the level', async () => {
    const info = tcbInfo([
      { sgx: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], status: 'UpToDate' },
      { sgx: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], status: 'OutOfDate' },
    ]);
    const r = await evaluate(info, qeIdentity(QE_UP_TO_DATE), sgxInput([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1]));
    assert.equal(r.tcbStatus, 'OutOfDate');
  });

  it('a TCB below every level is NotSupported, not an error', async () => {
    const r = await evaluate(tcbInfo(levels), qeIdentity(QE_UP_TO_DATE), sgxInput([4, 9], 11));
    assert.equal(r.tcbStatus, 'NotSupported');
    assert.equal(r.platformStatus, 'NotSupported');
    assert.equal(r.tcbDate, undefined);
    assert.deepEqual(r.advisoryIds, []);
  });

  it('a matched Revoked level throws ERR_EVIDENCE_REVOKED', async () => {
    const info = tcbInfo([{ sgx: [6], status: 'UpToDate' }, { sgx: [5], status: 'Revoked' }]);
    await rejectsWith(evaluate(info, qeIdentity(QE_UP_TO_DATE), sgxInput([5])), 'ERR_EVIDENCE_REVOKED');
    // A revoked level the platform is above does not matter.
    assert.equal((await evaluate(info, qeIdentity(QE_UP_TO_DATE), sgxInput([6]))).tcbStatus, 'UpToDate');
  });

  it('an unknown status is malformed only when its level is selected', async () => {
    const info = tcbInfo([{ sgx: [6], status: 'Bogus' }, { sgx: [5], status: 'UpToDate' }]);
    await rejectsWith(evaluate(info, qeIdentity(QE_UP_TO_DATE), sgxInput([6])), 'ERR_COLLATERAL_MALFORMED');
    assert.equal((await evaluate(info, qeIdentity(QE_UP_TO_DATE), sgxInput([5]))).tcbStatus, 'UpToDate');
  });
});

describe('intel TCB: QE Identity', () => {
  const folds: [string, string][] = [
    ['UpToDate', 'OutOfDate'],
    ['SWHardeningNeeded', 'OutOfDate'],
    ['ConfigurationNeeded', 'OutOfDateConfigurationNeeded'],
    ['ConfigurationAndSWHardeningNeeded', 'OutOfDateConfigurationNeeded'],
    ['OutOfDate', 'OutOfDate'],
    ['OutOfDateConfigurationNeeded', 'OutOfDateConfigurationNeeded'],
  ];
  const qeLevels = [
    { isvsvn: 8, status: 'UpToDate' },
    { isvsvn: 6, status: 'OutOfDate', advisories: ['INTEL-SA-00615'] },
    { isvsvn: 4, status: 'Revoked' },
  ];
  for (const [platform, combined] of folds) {
    it(`an out-of-date QE with a ${platform} platform gives ${combined}`, async () => {
      const info = tcbInfo([{ sgx: [5], status: platform, advisories: ['INTEL-SA-00615', 'INTEL-SA-00289'] }]);
      const r = await evaluate(info, qeIdentity(qeLevels), sgxInput([5], 10, 7));
      assert.equal(r.tcbStatus, combined);
      assert.equal(r.platformStatus, platform);
      assert.equal(r.qeStatus, 'OutOfDate');
      assert.deepEqual(r.advisoryIds, ['INTEL-SA-00289', 'INTEL-SA-00615']);
      assert.equal(r.qeTcbDate, '2024-03-13T00:00:00Z');
    });
  }

  it('a QE level with ConfigurationNeeded counts as out of date, as QVL does', async () => {
    const r = await evaluate(tcbInfo([{ sgx: [5], status: 'UpToDate' }]), qeIdentity([{ isvsvn: 2, status: 'ConfigurationNeeded' }]), sgxInput([5], 10, 3));
    assert.equal(r.qeStatus, 'OutOfDate');
    assert.equal(r.tcbStatus, 'OutOfDate');
  });

  it('a QE below every level is NotSupported', async () => {
    const r = await evaluate(tcbInfo([{ sgx: [5], status: 'UpToDate' }]), qeIdentity([{ isvsvn: 8, status: 'UpToDate' }]), sgxInput([5], 10, 7));
    assert.equal(r.qeStatus, 'NotSupported');
    assert.equal(r.tcbStatus, 'NotSupported');
    assert.equal(r.platformStatus, 'UpToDate');
  });

  it('a QE on a Revoked level throws ERR_EVIDENCE_REVOKED', async () => {
    await rejectsWith(evaluate(tcbInfo([{ sgx: [5], status: 'UpToDate' }]), qeIdentity(qeLevels), sgxInput([5], 10, 5)), 'ERR_EVIDENCE_REVOKED');
  });

  const info = tcbInfo([{ sgx: [5], status: 'UpToDate' }]);
  it('accepts report bits outside the masks (attributes DEBUG-adjacent mask bit, miscselect outside mask)', async () => {
    const input = sgxInput([5]);
    // Attribute byte 0 bit 2 is outside the mask FB; miscselect bit 31 outside mask 7FFFFFFF.
    const r = await evaluate(info, qeIdentity(QE_UP_TO_DATE, { miscselectMask: 'FFFFFF7F' }), input, {
      qe: { ...input.qe, miscselect: 0x80000000, attributes: '15000000000000000700000000000000' },
    });
    assert.equal(r.tcbStatus, 'UpToDate');
  });

  const mismatches: [string, (q: TcbEvaluationInput['qe']) => TcbEvaluationInput['qe']][] = [
    ['mrsigner', (q) => ({ ...q, mrsigner: '00'.repeat(32) })],
    ['isvprodid', (q) => ({ ...q, isvProdId: 2 })],
    ['masked miscselect', (q) => ({ ...q, miscselect: 1 })],
    ['masked attributes (DEBUG bit)', (q) => ({ ...q, attributes: '17000000000000000700000000000000' })],
  ];
  for (const [what, change] of mismatches) {
    it(`a QE report with another ${what} throws ERR_EVIDENCE_BINDING_MISMATCH`, async () => {
      const input = sgxInput([5]);
      await rejectsWith(evaluate(info, qeIdentity(QE_UP_TO_DATE), input, { qe: change(input.qe) }), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
  }

  it('reads miscselect hex in report byte order (little-endian)', async () => {
    const input = sgxInput([5]);
    const qe = qeIdentity(QE_UP_TO_DATE, { miscselect: '01000000' });
    assert.equal((await evaluate(info, qe, input, { qe: { ...input.qe, miscselect: 1 } })).tcbStatus, 'UpToDate');
    await rejectsWith(evaluate(info, qe, input, { qe: { ...input.qe, miscselect: 0x01000000 } }), 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('a TD_QE identity for an SGX quote is the wrong collateral', async () => {
    await rejectsWith(evaluate(info, qeIdentity(QE_UP_TO_DATE, { id: 'TD_QE' }), sgxInput([5])), 'ERR_COLLATERAL_MALFORMED');
  });
});

describe('intel TCB: TDX platform and module', () => {
  const platform: LevelSpec[] = [
    { sgx: [5, 5], tdx: [9, 9, 7], status: 'UpToDate' },
    { sgx: [5, 5], tdx: [9, 9, 6], status: 'ConfigurationNeeded', advisories: ['INTEL-SA-00960'] },
    { sgx: [5, 5], tdx: [0, 0, 5], status: 'OutOfDate', advisories: ['INTEL-SA-00837'] },
  ];
  const tdx01 = moduleIdentity('TDX_01', [
    { isvsvn: 4, status: 'UpToDate' },
    { isvsvn: 2, status: 'OutOfDate', advisories: ['INTEL-SA-00982'] },
    { isvsvn: 1, status: 'Revoked' },
  ]);

  it('module major 1 (quote v4): bytes 0-1 leave the comparison and TDX_01 grades the module', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([4, 1, 7]));
    assert.equal(r.tcbStatus, 'UpToDate');
    assert.equal(r.platformStatus, 'UpToDate');
    assert.equal(r.tdxModuleStatus, 'UpToDate');
    assert.equal(r.tdxModuleIdentity, 'TDX_01');
    assert.equal(r.qeIdentity.id, 'TD_QE');
  });

  it('an out-of-date module folds into an UpToDate platform as OutOfDate, with its advisories', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([3, 1, 7]));
    assert.equal(r.tdxModuleStatus, 'OutOfDate');
    assert.equal(r.tcbStatus, 'OutOfDate');
    assert.deepEqual(r.advisoryIds, ['INTEL-SA-00982']);
  });

  it('an out-of-date module folds into a ConfigurationNeeded platform as OutOfDateConfigurationNeeded', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([2, 1, 6]));
    assert.equal(r.platformStatus, 'ConfigurationNeeded');
    assert.equal(r.tcbStatus, 'OutOfDateConfigurationNeeded');
    assert.deepEqual(r.advisoryIds, ['INTEL-SA-00960', 'INTEL-SA-00982']);
  });

  it('a module on a Revoked identity level throws ERR_EVIDENCE_REVOKED', async () => {
    await rejectsWith(evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([1, 1, 7])), 'ERR_EVIDENCE_REVOKED');
  });

  it('a module SVN below every identity level is NotSupported', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([0, 1, 7]));
    assert.equal(r.tdxModuleStatus, 'NotSupported');
    assert.equal(r.tcbStatus, 'NotSupported');
  });

  it('a module version with no identity (TDX_02) is NotSupported', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([4, 2, 7]));
    assert.equal(r.tdxModuleIdentity, 'TDX_02');
    assert.equal(r.tdxModuleStatus, 'NotSupported');
    assert.equal(r.tcbStatus, 'NotSupported');
    assert.equal(r.platformStatus, 'UpToDate');
  });

  it('identity ids match case-insensitively and the major byte is two upper-case hex digits', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [moduleIdentity('tdx_1a', [{ isvsvn: 0, status: 'UpToDate' }])]), TD_QE(), tdxInput([4, 0x1a, 7]));
    assert.equal(r.tdxModuleIdentity, 'TDX_1A');
    assert.equal(r.tdxModuleStatus, 'UpToDate');
  });

  it('module major 0: all 16 TDX components are compared and no identity applies', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([4, 0, 7]));
    assert.equal(r.tcbStatus, 'OutOfDate');
    assert.deepEqual(r.advisoryIds, ['INTEL-SA-00837']);
    assert.equal(r.tdxModuleStatus, undefined);
    assert.equal(r.tdxModuleIdentity, undefined);
  });

  it('quote version 3: bytes 0-1 stay in the comparison even with a module major version', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([4, 1, 7], [5, 5], 3));
    assert.equal(r.tcbStatus, 'OutOfDate');
    assert.equal(r.tdxModuleStatus, undefined);
  });

  it('SGX components reached but TDX components not: NotSupported', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([4, 1, 4]));
    assert.equal(r.platformStatus, 'NotSupported');
    assert.equal(r.tcbStatus, 'NotSupported');
  });

  it('a TD QE that is out of date folds in after the module', async () => {
    const qe = TD_QE([{ isvsvn: 5, status: 'UpToDate' }, { isvsvn: 3, status: 'OutOfDate', advisories: ['INTEL-SA-00615'] }]);
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), qe, tdxInput([4, 1, 7], [5, 5], 4, 4));
    assert.equal(r.qeStatus, 'OutOfDate');
    assert.equal(r.tdxModuleStatus, 'UpToDate');
    assert.equal(r.tcbStatus, 'OutOfDate');
    assert.deepEqual(r.advisoryIds, ['INTEL-SA-00615']);
  });

  it('MRSIGNERSEAM other than the identity signer throws ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    const info = tdxTcbInfo(platform, [tdx01]);
    await rejectsWith(evaluate(info, TD_QE(), tdxInput([4, 1, 7]), { mrSignerSeam: '11'.repeat(48) }), 'ERR_EVIDENCE_BINDING_MISMATCH');
    // Major 0 checks against tdxModule instead.
    await rejectsWith(evaluate(info, TD_QE(), tdxInput([4, 0, 7]), { mrSignerSeam: '11'.repeat(48) }), 'ERR_EVIDENCE_BINDING_MISMATCH');
    // An identity whose signer is not zero: the quote's must equal it.
    const signed = tdxTcbInfo(platform, [moduleIdentity('TDX_01', [{ isvsvn: 0, status: 'UpToDate' }], 'AB'.repeat(48))]);
    assert.equal((await evaluate(signed, TD_QE(), tdxInput([4, 1, 7]), { mrSignerSeam: 'ab'.repeat(48) })).tcbStatus, 'UpToDate');
    await rejectsWith(evaluate(signed, TD_QE(), tdxInput([4, 1, 7])), 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('non-zero SEAMATTRIBUTES throw ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith(
      evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([4, 1, 7]), { seamAttributes: '0100000000000000' }),
      'ERR_EVIDENCE_BINDING_MISMATCH',
    );
  });

  it('without MRSIGNERSEAM / SEAMATTRIBUTES the signer check is skipped', async () => {
    const r = await evaluate(tdxTcbInfo(platform, [tdx01]), TD_QE(), tdxInput([4, 1, 7]), { mrSignerSeam: undefined, seamAttributes: undefined });
    assert.equal(r.tcbStatus, 'UpToDate');
  });

  it('a TDX quote without a 16-byte TEE_TCB_SVN throws ERR_EVIDENCE_MALFORMED', async () => {
    await rejectsWith(evaluate(tdxTcbInfo(platform), TD_QE(), tdxInput([4, 1, 7]), { teeTcbSvn: undefined }), 'ERR_EVIDENCE_MALFORMED');
    await rejectsWith(evaluate(tdxTcbInfo(platform), TD_QE(), tdxInput([4, 1, 7]), { teeTcbSvn: hex('0401') }), 'ERR_EVIDENCE_MALFORMED');
  });

  it('SGX TCB Info or an SGX QE identity for a TDX quote is the wrong collateral', async () => {
    await rejectsWith(evaluate(tcbInfo([{ sgx: [5, 5], status: 'UpToDate' }]), TD_QE(), tdxInput([4, 1, 7])), 'ERR_COLLATERAL_MALFORMED');
    await rejectsWith(evaluate(tdxTcbInfo(platform, [tdx01]), qeIdentity(QE_UP_TO_DATE), tdxInput([4, 1, 7])), 'ERR_COLLATERAL_MALFORMED');
  });

  it('TDX TCB Info for an SGX quote is the wrong collateral', async () => {
    await rejectsWith(evaluate(tdxTcbInfo(platform), qeIdentity(QE_UP_TO_DATE), sgxInput([5, 5])), 'ERR_COLLATERAL_MALFORMED');
  });
});

describe('intel TCB: TCB Info v2', () => {
  function v2(levels: { comps: number[]; pcesvn: number; status: string; advisories?: string[] }[], extra: Json = {}): Json {
    return {
      version: 2,
      issueDate: ISSUED,
      nextUpdate: NEXT,
      fmspc: FMSPC,
      pceId: '0000',
      tcbType: 0,
      tcbEvaluationDataNumber: 5,
      tcbLevels: levels.map((l) => {
        const tcb: Json = { pcesvn: l.pcesvn };
        for (let i = 0; i < 16; i++) tcb[`sgxtcbcomp${String(i + 1).padStart(2, '0')}svn`] = l.comps[i] ?? 0;
        return { tcb, tcbDate: '2019-06-28T07:23:55Z', tcbStatus: l.status, ...(l.advisories ? { advisoryIDs: l.advisories } : {}) };
      }),
      ...extra,
    };
  }
  const levels = [
    { comps: [2, 2], pcesvn: 7, status: 'UpToDate' },
    { comps: [1, 1], pcesvn: 7, status: 'OutOfDate', advisories: ['INTEL-SA-00100'] },
  ];

  it('parses sgxtcbcompNNsvn and evaluates', async () => {
    const up = await evaluate(v2(levels), qeIdentity(QE_UP_TO_DATE), sgxInput([2, 2], 7));
    assert.equal(up.tcbStatus, 'UpToDate');
    assert.deepEqual(up.tcbInfo, { version: 2, tcbEvaluationDataNumber: 5, issueDate: ISSUED, nextUpdate: NEXT });
    const old = await evaluate(v2(levels), qeIdentity(QE_UP_TO_DATE), sgxInput([2, 1], 7));
    assert.equal(old.tcbStatus, 'OutOfDate');
    assert.deepEqual(old.advisoryIds, ['INTEL-SA-00100']);
  });

  it('is refused for TDX quotes', async () => {
    await rejectsWith(evaluate(v2(levels), TD_QE(), tdxInput([4, 1, 7], [2, 2])), 'ERR_COLLATERAL_MALFORMED');
  });

  it('a level missing sgxtcbcomp16svn is malformed', async () => {
    const doc = v2(levels);
    delete ((doc['tcbLevels'] as Json[])[1]!['tcb'] as Json)['sgxtcbcomp16svn'];
    await rejectsWith(evaluate(doc, qeIdentity(QE_UP_TO_DATE), sgxInput([2, 2], 7)), 'ERR_COLLATERAL_MALFORMED');
  });
});

describe('intel TCB: validity dates', () => {
  const info = (extra: Json = {}): Json => tcbInfo([{ sgx: [5], status: 'UpToDate' }], extra);
  it('TCB Info past nextUpdate is listed as expired, status still reported', async () => {
    const r = await evaluate(info({ nextUpdate: '2025-01-14T23:59:59Z' }), qeIdentity(QE_UP_TO_DATE), sgxInput([5]));
    assert.deepEqual(r.expired, ['tcbInfo']);
    assert.equal(r.tcbStatus, 'UpToDate');
  });
  it('QE Identity past nextUpdate is listed', async () => {
    const r = await evaluate(info(), qeIdentity(QE_UP_TO_DATE, { nextUpdate: '2025-01-10T00:00:00Z' }), sgxInput([5]));
    assert.deepEqual(r.expired, ['qeIdentity']);
  });
  it('collateral issued after the verification time is listed (not yet valid)', async () => {
    const r = await evaluate(info({ issueDate: '2025-01-16T00:00:00Z' }), qeIdentity(QE_UP_TO_DATE, { issueDate: '2025-01-15T00:00:01Z' }), sgxInput([5]));
    assert.deepEqual(r.expired, ['tcbInfo', 'qeIdentity']);
  });
  it('nextUpdate equal to the verification time is still valid', async () => {
    const r = await evaluate(info({ nextUpdate: '2025-01-15T00:00:00Z' }), qeIdentity(QE_UP_TO_DATE), sgxInput([5]));
    assert.deepEqual(r.expired, []);
  });
});

describe('intel TCB: collateral for another platform', () => {
  const info = tcbInfo([{ sgx: [5], status: 'UpToDate' }]);
  it('an FMSPC other than the PCK certificate’s throws ERR_COLLATERAL_MALFORMED', async () => {
    const input = sgxInput([5]);
    await assert.rejects(evaluate(info, qeIdentity(QE_UP_TO_DATE), input, { pck: { ...input.pck, fmspc: '00906ed50001' } }), (e) => {
      return isConfideError(e, 'ERR_COLLATERAL_MALFORMED') && e.details?.['field'] === 'tcbInfo.fmspc';
    });
  });
  it('a PCE ID other than the PCK certificate’s throws ERR_COLLATERAL_MALFORMED', async () => {
    const input = sgxInput([5]);
    await assert.rejects(evaluate(info, qeIdentity(QE_UP_TO_DATE), input, { pck: { ...input.pck, pceId: '0001' } }), (e) => {
      return isConfideError(e, 'ERR_COLLATERAL_MALFORMED') && e.details?.['field'] === 'tcbInfo.pceId';
    });
  });
  it('FMSPC case does not matter', async () => {
    const input = sgxInput([5]);
    const r = await evaluate(tcbInfo([{ sgx: [5], status: 'UpToDate' }], { fmspc: FMSPC }), qeIdentity(QE_UP_TO_DATE), input, {
      pck: { ...input.pck, fmspc: FMSPC.toUpperCase() },
    });
    assert.equal(r.tcbStatus, 'UpToDate');
  });
  it('a PCK TCB without 16 components throws ERR_EVIDENCE_MALFORMED', async () => {
    const input = sgxInput([5]);
    await rejectsWith(evaluate(info, qeIdentity(QE_UP_TO_DATE), input, { pck: { ...input.pck, sgxTcbComponents: [5] } }), 'ERR_EVIDENCE_MALFORMED');
  });
});

describe('intel TCB: malformed collateral', () => {
  const good = (): Json => tcbInfo([{ sgx: [5], status: 'UpToDate' }]);
  const tcbCases: [string, () => Json | string][] = [
    ['not JSON', () => '{"id":"SGX",'],
    ['a JSON array', () => '[]'],
    ['missing version', () => ({ ...good(), version: undefined })],
    ['version 4', () => ({ ...good(), version: 4 })],
    ['unknown id', () => ({ ...good(), id: 'SEV' })],
    ['missing fmspc', () => ({ ...good(), fmspc: undefined })],
    ['short fmspc', () => ({ ...good(), fmspc: '00906ED500' })],
    ['tcbType 1', () => ({ ...good(), tcbType: 1 })],
    ['bad issueDate', () => ({ ...good(), issueDate: 'yesterday' })],
    ['empty tcbLevels', () => ({ ...good(), tcbLevels: [] })],
    ['15 sgxtcbcomponents', () => tcbInfo([], { tcbLevels: [{ ...level({ sgx: [5], status: 'UpToDate' }), tcb: { sgxtcbcomponents: comps([5]).slice(1), pcesvn: 10 } }] })],
    ['svn 256', () => tcbInfo([{ sgx: [256], status: 'UpToDate' }])],
    ['missing pcesvn', () => tcbInfo([], { tcbLevels: [{ ...level({ sgx: [5], status: 'UpToDate' }), tcb: { sgxtcbcomponents: comps([5]) } }] })],
    ['missing tcbStatus', () => tcbInfo([], { tcbLevels: [{ tcb: { sgxtcbcomponents: comps([5]), pcesvn: 10 }, tcbDate: ISSUED }] })],
    ['advisoryIDs not strings', () => tcbInfo([{ sgx: [5], status: 'UpToDate', advisories: [1 as unknown as string] }])],
    ['TDX without tdxModule', () => ({ ...tdxTcbInfo([{ sgx: [5], tdx: [], status: 'UpToDate' }]), tdxModule: undefined })],
    ['TDX level without tdxtcbcomponents', () => tdxTcbInfo([{ sgx: [5], status: 'UpToDate' }])],
    ['SGX with tdxModule', () => ({ ...good(), tdxModule: { mrsigner: ZERO_SIGNER_48, attributes: '00'.repeat(8), attributesMask: 'FF'.repeat(8) } })],
    ['module identity with short mrsigner', () => tdxTcbInfo([{ sgx: [5], tdx: [], status: 'UpToDate' }], [moduleIdentity('TDX_01', [{ isvsvn: 0, status: 'UpToDate' }], '00'.repeat(32))])],
  ];
  for (const [what, doc] of tcbCases) {
    it(`TCB Info with ${what} throws ERR_COLLATERAL_MALFORMED`, async () => {
      const d = doc();
      const input = typeof d === 'object' && d['id'] === 'TDX' ? tdxInput([4, 1, 7], [5]) : sgxInput([5]);
      const qe = input.tee === 'tdx' ? TD_QE() : qeIdentity(QE_UP_TO_DATE);
      await rejectsWith(evaluate(d, qe, input), 'ERR_COLLATERAL_MALFORMED');
    });
  }

  const qeCases: [string, () => Json | string][] = [
    ['not JSON', () => 'nope'],
    ['version 1', () => qeIdentity(QE_UP_TO_DATE, { version: 1 })],
    ['unknown id', () => qeIdentity(QE_UP_TO_DATE, { id: 'XE' })],
    ['missing mrsigner', () => qeIdentity(QE_UP_TO_DATE, { mrsigner: undefined })],
    ['short attributesMask', () => qeIdentity(QE_UP_TO_DATE, { attributesMask: 'FBFF' })],
    ['isvprodid as a string', () => qeIdentity(QE_UP_TO_DATE, { isvprodid: '1' })],
    ['empty tcbLevels', () => qeIdentity([])],
    ['level without isvsvn', () => qeIdentity(QE_UP_TO_DATE, { tcbLevels: [{ tcb: {}, tcbDate: ISSUED, tcbStatus: 'UpToDate' }] })],
  ];
  for (const [what, doc] of qeCases) {
    it(`QE Identity with ${what} throws ERR_COLLATERAL_MALFORMED`, async () => {
      await rejectsWith(evaluate(good(), doc(), sgxInput([5])), 'ERR_COLLATERAL_MALFORMED');
    });
  }
});

describe('intel TCB: signatures', () => {
  const info = tcbInfo([{ sgx: [5], status: 'UpToDate' }]);
  const qe = qeIdentity(QE_UP_TO_DATE);
  async function run(c: IntelCollateral, key = signer.publicKey): Promise<TcbEvaluation> {
    return evaluateIntelTcb({ ...sgxInput([5]), collateral: c, tcbSigningKey: key });
  }

  it('signed bodies verify over their exact bytes, whitespace included', async () => {
    const c = await collateral(JSON.stringify(info, null, 2), JSON.stringify(qe, null, 1));
    assert.equal((await run(c)).tcbStatus, 'UpToDate');
    // The same content re-serialised is different bytes: the signature must not cover it.
    const reserialised = { ...c.tcbInfo, body: JSON.stringify(JSON.parse(c.tcbInfo.body)) };
    await rejectsWith(run({ ...c, tcbInfo: reserialised }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('a changed TCB Info or QE Identity byte throws ERR_EVIDENCE_SIGNATURE_INVALID, even when it breaks the JSON', async () => {
    const c = await collateral(info, qe);
    await rejectsWith(run({ ...c, tcbInfo: flipBodyByte(c.tcbInfo) }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    await rejectsWith(run({ ...c, qeIdentity: flipBodyByte(c.qeIdentity) }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    await rejectsWith(run({ ...c, tcbInfo: { ...c.tcbInfo, body: c.tcbInfo.body.slice(1) } }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('a changed signature byte throws ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
    const c = await collateral(info, qe);
    const s = c.qeIdentity.signature;
    const flipped = s.slice(0, 10) + (s[10] === '0' ? '1' : '0') + s.slice(11);
    await rejectsWith(run({ ...c, qeIdentity: { ...c.qeIdentity, signature: flipped } }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('collateral signed by another key throws ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
    const c = await collateral(info, qe);
    const other = await testSigner();
    await rejectsWith(run(c, other.publicKey), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('a key of another curve throws ERR_EVIDENCE_SIGNATURE_INVALID', async () => {
    const c = await collateral(info, qe);
    const p384 = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    await rejectsWith(run(c, p384.publicKey), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  it('a signature that is not 64 bytes of hex throws ERR_COLLATERAL_MALFORMED', async () => {
    const c = await collateral(info, qe);
    await rejectsWith(run({ ...c, tcbInfo: { ...c.tcbInfo, signature: c.tcbInfo.signature.slice(2) } }), 'ERR_COLLATERAL_MALFORMED');
    await rejectsWith(run({ ...c, tcbInfo: { ...c.tcbInfo, signature: 'zz' + c.tcbInfo.signature.slice(2) } }), 'ERR_COLLATERAL_MALFORMED');
  });
});
