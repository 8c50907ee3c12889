/**
 * The Intel quote verifier driven through forged evidence (@confide/test-kit/intel-pki): every
 * TCB status, QE and TDX module grading, revocation, expiry of each collateral item, quote
 * versions and body types, and each single breakage, with exact claims or exact codes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConfideError, type ErrorCode } from '@confide/core';
import { expectedDigests } from './intel-quote-support.js';
import {
  claimsOf,
  parseIntelQuote,
  verifyIntelQuote,
  type Claims,
  type IntelCollateralDigests,
  type SgxClaims,
  type TcbStatus,
  type VerifyContext,
} from '../src/index.js';
import {
  createIntelTestPki,
  DEFAULT_AT,
  DEFAULT_PCE_SVN,
  DEFAULT_SGX_TCB,
  DEFAULT_TEE_TCB_SVN,
  forgeIntelWorld,
  type ForgeIntelOptions,
  type IntelWorld,
  type PlatformTcbLevel,
} from '@confide/test-kit/intel-pki';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');
const zeros = (n: number): string => '0'.repeat(n * 2);
const PLATFORM_CPU_SVN = hex(DEFAULT_SGX_TCB);
const LEVEL_DATE = '2024-03-13T00:00:00Z';
const PCK_CN = 'cert:Intel SGX PCK Certificate';
const TCB_SIGNING_CN = 'cert:Intel SGX TCB Signing';

function digestsOf(world: IntelWorld): IntelCollateralDigests {
  return expectedDigests(world.rawQuote, world.collateral);
}

async function verified(options: ForgeIntelOptions = {}, ctx: Partial<VerifyContext> = {}): Promise<{ world: IntelWorld; claims: Claims }> {
  const world = await forgeIntelWorld(options);
  const claims = await verifyIntelQuote(world.quote, world.context(ctx));
  return { world, claims };
}

async function rejectsWith(options: ForgeIntelOptions, code: ErrorCode, ctx: Partial<VerifyContext> = {}): Promise<void> {
  const world = await forgeIntelWorld(options);
  await assert.rejects(verifyIntelQuote(world.quote, world.context(ctx)), (err: unknown) => {
    assert.ok(isConfideError(err), `expected a ConfideError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

interface Grade {
  tcbStatus: Claims['tcbStatus'];
  advisoryIds?: string[];
  platformStatus?: TcbStatus;
  qeStatus?: TcbStatus;
  tcbDate?: string;
  /** tcbDate of the matched QE Identity level. */
  qeTcbDate?: string;
  expired?: string[];
}

/** The exact claims of a forged SGX world. */
function sgxClaims(world: IntelWorld, grade: Grade, debug = false): SgxClaims {
  const e = world.expected;
  const expired = grade.expired ?? [];
  return {
    tee: 'sgx',
    debug,
    measurement: e.measurement,
    signer: e.signer!,
    productId: e.productId!,
    svn: e.svn!,
    reportData: e.reportData,
    tcbStatus: grade.tcbStatus,
    advisoryIds: grade.advisoryIds ?? [],
    collateralExpired: expired.length > 0,
    expiredCollateral: expired,
    fmspc: e.fmspc,
    verifiedAt: world.at.toISOString(),
    collateralDigests: digestsOf(world),
    sgx: {
      quoteVersion: e.quoteVersion,
      cpuSvn: PLATFORM_CPU_SVN,
      miscselect: 0,
      attributes: e.attributes!,
      mrenclave: e.measurement,
      mrsigner: e.signer!,
      isvProdId: e.productId!,
      isvSvn: e.svn!,
      configId: zeros(64),
      configSvn: 0,
      isvExtProdId: zeros(16),
      isvFamilyId: zeros(16),
      pceId: e.pceId,
      pceSvn: DEFAULT_PCE_SVN,
      pckCpuSvn: PLATFORM_CPU_SVN,
      qeSvn: 8,
      ...(grade.tcbStatus === 'NotSupported' && grade.tcbDate === undefined ? {} : { tcbDate: grade.tcbDate ?? LEVEL_DATE }),
      qeStatus: grade.qeStatus ?? 'UpToDate',
      qeTcbDate: grade.qeTcbDate ?? LEVEL_DATE,
      platformStatus: grade.platformStatus ?? grade.tcbStatus,
      caType: world.request.ca,
      tcbEvaluationDataNumber: 17,
    },
  };
}

/** Compares claims with sorted expired lists (their order is the verifier's choice). */
function assertClaims(actual: Claims, expected: Claims): void {
  const norm = (c: Claims): Claims => ({ ...c, expiredCollateral: [...c.expiredCollateral].sort() });
  assert.deepEqual(norm(actual), norm(expected));
}

/** Levels putting the default platform exactly on a level of `status`, between a higher and a lower one. */
function levelsAt(status: PlatformTcbLevel['status'], advisoryIds: string[] = []): PlatformTcbLevel[] {
  return [
    { sgx: DEFAULT_SGX_TCB.map((v, i) => (i === 0 ? v + 1 : v)), pceSvn: DEFAULT_PCE_SVN, status: 'UpToDate', date: '2025-02-12T00:00:00Z' },
    { sgx: DEFAULT_SGX_TCB, pceSvn: DEFAULT_PCE_SVN, status, date: '2024-08-14T00:00:00Z', advisoryIds },
    { sgx: new Array<number>(16).fill(0), pceSvn: 0, status: 'OutOfDate', date: '2019-01-01T00:00:00Z', advisoryIds: ['INTEL-SA-99999'] },
  ];
}

describe('forged SGX quotes: TCB statuses', () => {
  it('verifies an up-to-date SGX v3 quote with exact claims and asks for the right collateral', async () => {
    const { world, claims } = await verified();
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate' }));
    assert.deepEqual(world.provider.requests, [{ tee: 'sgx', fmspc: '00906ed50000', ca: 'processor' }]);
  });

  const statuses: Array<[PlatformTcbLevel['status'] & Claims['tcbStatus'], string[]]> = [
    ['UpToDate', []],
    ['SWHardeningNeeded', ['INTEL-SA-00615', 'INTEL-SA-00334']],
    ['ConfigurationNeeded', ['INTEL-SA-00161']],
    ['ConfigurationAndSWHardeningNeeded', ['INTEL-SA-00289', 'INTEL-SA-00615']],
    ['OutOfDate', ['INTEL-SA-00828', 'INTEL-SA-00657']],
    ['OutOfDateConfigurationNeeded', ['INTEL-SA-00767']],
  ];
  for (const [status, advisories] of statuses) {
    it(`grades a platform on a ${status} level, with that level's advisories sorted`, async () => {
      const { world, claims } = await verified({ tcbInfo: { levels: levelsAt(status, advisories) } });
      assertClaims(claims, sgxClaims(world, { tcbStatus: status, advisoryIds: [...advisories].sort(), tcbDate: '2024-08-14T00:00:00Z' }));
    });
  }

  it('grades NotSupported when the platform reaches no level', async () => {
    const { world, claims } = await verified({ tcbInfo: { levels: levelsAt('UpToDate').slice(0, 1) } });
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'NotSupported' }));
  });

  it('compares all 16 components: a level above the platform in component 16 does not match', async () => {
    const levels: PlatformTcbLevel[] = [
      { sgx: DEFAULT_SGX_TCB.map((v, i) => (i === 15 ? v + 1 : v)), pceSvn: DEFAULT_PCE_SVN, status: 'UpToDate' },
      { sgx: DEFAULT_SGX_TCB, pceSvn: DEFAULT_PCE_SVN, status: 'OutOfDate', advisoryIds: ['INTEL-SA-00828'] },
    ];
    const { claims } = await verified({ tcbInfo: { levels } });
    assert.equal(claims.tcbStatus, 'OutOfDate');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00828']);
  });

  it('compares the PCE SVN: a level needing a higher PCE SVN does not match', async () => {
    const levels: PlatformTcbLevel[] = [
      { sgx: DEFAULT_SGX_TCB, pceSvn: DEFAULT_PCE_SVN + 1, status: 'UpToDate' },
      { sgx: DEFAULT_SGX_TCB, pceSvn: DEFAULT_PCE_SVN, status: 'SWHardeningNeeded', advisoryIds: ['INTEL-SA-00615'] },
    ];
    const { claims } = await verified({ tcbInfo: { levels } });
    assert.equal(claims.tcbStatus, 'SWHardeningNeeded');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00615']);
  });

  it('refuses a platform whose matched level is Revoked: ERR_EVIDENCE_REVOKED', async () => {
    await rejectsWith({ tcbInfo: { levels: levelsAt('Revoked', ['INTEL-SA-00999']) } }, 'ERR_EVIDENCE_REVOKED');
  });

  it('reads TCB Info v2 (no advisories, sgxtcbcompNNsvn fields)', async () => {
    const { world, claims } = await verified({ tcbInfo: { version: 2, levels: levelsAt('ConfigurationNeeded', ['INTEL-SA-00161']) } });
    // v2 levels carry no advisory IDs, so none come back.
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'ConfigurationNeeded', tcbDate: '2024-08-14T00:00:00Z' }));
  });
});

describe('forged SGX quotes: QE identity', () => {
  it('folds an out-of-date QE into an up-to-date platform: OutOfDate, with the QE level advisories', async () => {
    const { world, claims } = await verified({ qe: { isvSvn: 6 }, header: { qeSvn: 6 } });
    const expected = sgxClaims(world, { tcbStatus: 'OutOfDate', advisoryIds: ['INTEL-SA-00615'], platformStatus: 'UpToDate', qeStatus: 'OutOfDate', qeTcbDate: '2021-11-10T00:00:00Z' });
    expected.sgx.qeSvn = 6;
    assertClaims(claims, expected);
  });

  it('folds an out-of-date QE into ConfigurationNeeded: OutOfDateConfigurationNeeded', async () => {
    const { claims } = await verified({ qe: { isvSvn: 6 }, tcbInfo: { levels: levelsAt('ConfigurationNeeded', ['INTEL-SA-00161']) } });
    assert.equal(claims.tcbStatus, 'OutOfDateConfigurationNeeded');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00161', 'INTEL-SA-00615']);
    assert.equal(claimsOf(claims, 'sgx').sgx.qeStatus, 'OutOfDate');
  });

  it('grades NotSupported when the QE reaches no QE Identity level', async () => {
    const { claims } = await verified({ qe: { isvSvn: 6 }, qeIdentity: { levels: [{ isvsvn: 8, status: 'UpToDate' }] } });
    assert.equal(claims.tcbStatus, 'NotSupported');
  });

  it('refuses a QE whose MRSIGNER is not the one QE Identity names: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ qeIdentity: { mrsigner: 'aa'.repeat(32) } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('refuses a QE whose ISVPRODID is not the one QE Identity names: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ qeIdentity: { isvprodid: 3 } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('ignores QE attribute bits outside attributesMask (FLAGS bit 2, XFRM)', async () => {
    const { claims } = await verified({ qe: { attributes: '15000000000000000700000000000000' } });
    assert.equal(claims.tcbStatus, 'UpToDate');
  });

  it('refuses QE attributes that differ under attributesMask: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ qe: { attributes: '13000000000000000700000000000000' } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('refuses a QE MISCSELECT that differs under miscselectMask: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ qe: { miscselect: 1 } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('refuses a TD_QE identity offered for an SGX quote: ERR_COLLATERAL_MALFORMED', async () => {
    await rejectsWith({ qeIdentity: { id: 'TD_QE' } }, 'ERR_COLLATERAL_MALFORMED');
  });

  it('refuses a QE whose matched level is Revoked: ERR_EVIDENCE_REVOKED', async () => {
    await rejectsWith({ qeIdentity: { levels: [{ isvsvn: 8, status: 'Revoked' }] } }, 'ERR_EVIDENCE_REVOKED');
  });
});

describe('forged SGX quotes: versions, wrappers, attributes', () => {
  it('verifies an SGX v4 quote (certification data type 6 around type 5)', async () => {
    const { world, claims } = await verified({ quoteVersion: 4 });
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate' }));
    assert.equal(claimsOf(claims, 'sgx').sgx.quoteVersion, 4);
  });

  it('verifies an SGX v5 quote (body type 1)', async () => {
    const { world, claims } = await verified({ quoteVersion: 5 });
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate' }));
  });

  it('verifies a quote behind the Open Enclave 16-byte header, with the same claims as the bare quote', async () => {
    const { world, claims } = await verified({ openEnclaveHeader: true });
    assert.equal(world.quote.length, world.rawQuote.length + 16);
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate' }));
    const bare = await verifyIntelQuote(world.rawQuote, world.context());
    assert.deepEqual(bare, claims);
  });

  it('verifies a parsed quote as well as bytes', async () => {
    const world = await forgeIntelWorld();
    const fromView = await verifyIntelQuote(parseIntelQuote(world.quote), world.context());
    assertClaims(fromView, sgxClaims(world, { tcbStatus: 'UpToDate' }));
  });

  it('reports a debug enclave (ATTRIBUTES.DEBUG) as debug: true', async () => {
    const { world, claims } = await verified({ sgx: { debug: true } });
    assert.equal(world.expected.attributes, '07000000000000000300000000000000');
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate' }, true));
  });

  it('verifies a PCK certificate from the PCK Platform CA and asks for platform collateral', async () => {
    const { world, claims } = await verified({ ca: 'platform' });
    assert.deepEqual(world.provider.requests, [{ tee: 'sgx', fmspc: '00906ed50000', ca: 'platform' }]);
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate' }));
  });

  it('accepts a PCK chain followed by a NUL byte', async () => {
    const { world, claims } = await verified({ pemTrailingNul: true });
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate' }));
  });

  it('carries chosen body fields through to the claims', async () => {
    const { claims } = await verified({ sgx: { mrenclave: 'ab'.repeat(32), mrsigner: 'cd'.repeat(32), isvProdId: 9999, isvSvn: 8888, reportData: '48656c6c6f' } });
    assert.equal(claims.measurement, 'ab'.repeat(32));
    assert.equal(claims.signer, 'cd'.repeat(32));
    assert.equal(claims.productId, 9999);
    assert.equal(claims.svn, 8888);
    assert.equal(claims.reportData, `48656c6c6f${zeros(59)}`);
  });
});

describe('forged SGX quotes: report data binding', () => {
  const reportData = `${'11'.repeat(32)}${'22'.repeat(32)}`;
  it('accepts expected report data equal to the full 64 bytes', async () => {
    const { claims } = await verified({ sgx: { reportData } }, { expectedReportData: Buffer.from(reportData, 'hex') });
    assert.equal(claims.reportData, reportData);
  });

  it('accepts expected report data equal to the leading 32 bytes', async () => {
    const { claims } = await verified({ sgx: { reportData } }, { expectedReportData: Buffer.from('11'.repeat(32), 'hex') });
    assert.equal(claims.tcbStatus, 'UpToDate');
  });

  it('refuses expected report data that differs: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ sgx: { reportData } }, 'ERR_EVIDENCE_BINDING_MISMATCH', { expectedReportData: Buffer.from('11'.repeat(31) + '12', 'hex') });
  });

  it('refuses expected report data longer than 64 bytes: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ sgx: { reportData } }, 'ERR_EVIDENCE_BINDING_MISMATCH', { expectedReportData: Buffer.from(`${reportData}00`, 'hex') });
  });
});

describe('forged quotes: revocation and expiry', () => {
  it('refuses a PCK certificate listed in the PCK CRL: ERR_EVIDENCE_REVOKED', async () => {
    await rejectsWith({ revokePck: true }, 'ERR_EVIDENCE_REVOKED');
  });

  it('refuses a PCK CA listed in the Root CA CRL: ERR_EVIDENCE_REVOKED', async () => {
    await rejectsWith({ revokePckCa: true }, 'ERR_EVIDENCE_REVOKED');
  });

  it('refuses a revoked TDX PCK certificate (Platform CA CRL): ERR_EVIDENCE_REVOKED', async () => {
    await rejectsWith({ tee: 'tdx', revokePck: true }, 'ERR_EVIDENCE_REVOKED');
  });

  it('ignores CRL entries for other serials', async () => {
    const { claims } = await verified({ pckCrl: { revoked: ['0badc0de', '7a00000001'] }, rootCaCrl: { revoked: ['0badc0de'] } });
    assert.equal(claims.tcbStatus, 'UpToDate');
  });

  const past = (): Date => new Date(DEFAULT_AT.getTime() - HOUR);
  const expiries: Array<[string, ForgeIntelOptions, string[]]> = [
    ['TCB Info past its nextUpdate', { tcbInfo: { nextUpdate: past() } }, ['tcbInfo']],
    ['QE Identity past its nextUpdate', { qeIdentity: { nextUpdate: past() } }, ['qeIdentity']],
    ['PCK CRL past its nextUpdate', { pckCrl: { nextUpdate: past() } }, ['pckCrl']],
    ['Root CA CRL past its nextUpdate', { rootCaCrl: { nextUpdate: past() } }, ['rootCaCrl']],
    ['PCK certificate past its notAfter', { pck: { notAfter: past() } }, [PCK_CN]],
    ['PCK certificate not yet valid', { pck: { notBefore: new Date(DEFAULT_AT.getTime() + DAY) } }, [PCK_CN]],
    [
      'every item at once',
      { tcbInfo: { nextUpdate: past() }, qeIdentity: { nextUpdate: past() }, pckCrl: { nextUpdate: past() }, rootCaCrl: { nextUpdate: past() }, pck: { notAfter: past() } },
      ['tcbInfo', 'qeIdentity', 'pckCrl', 'rootCaCrl', PCK_CN],
    ],
  ];
  for (const [what, options, expired] of expiries) {
    it(`reports ${what} as collateralExpired, naming it, and still grades the TCB`, async () => {
      const { world, claims } = await verified(options);
      assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate', expired }));
    });
  }

  const future = new Date(DEFAULT_AT.getTime() + HOUR);
  const notYet: Array<[string, ForgeIntelOptions, string[]]> = [
    ['TCB Info issued after the verification time', { tcbInfo: { issueDate: future } }, ['tcbInfo']],
    ['QE Identity issued after the verification time', { qeIdentity: { issueDate: future } }, ['qeIdentity']],
    ['PCK CRL whose thisUpdate is after the verification time', { pckCrl: { thisUpdate: future } }, ['pckCrl']],
  ];
  for (const [what, options, expired] of notYet) {
    it(`reports ${what} as collateralExpired`, async () => {
      const { world, claims } = await verified(options);
      assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate', expired }));
    });
  }

  it('reports an expired PCK CA certificate by its CN', async () => {
    const at = DEFAULT_AT;
    const pki = await createIntelTestPki({ pckCaValidity: { notBefore: new Date('2018-05-21T00:00:00Z'), notAfter: new Date(at.getTime() - DAY) } });
    const { world, claims } = await verified({ pki, at });
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate', expired: ['cert:Intel SGX PCK Processor CA'] }));
  });

  it('reports an expired TCB Signing certificate as cert:Intel SGX TCB Signing', async () => {
    const at = DEFAULT_AT;
    const pki = await createIntelTestPki({ tcbSigningValidity: { notBefore: new Date('2018-05-21T00:00:00Z'), notAfter: new Date(at.getTime() - DAY) } });
    const { world, claims } = await verified({ pki, at });
    assertClaims(claims, sgxClaims(world, { tcbStatus: 'UpToDate', expired: [TCB_SIGNING_CN] }));
  });
});

describe('forged quotes: broken signatures, chains and collateral', () => {
  const breakages: Array<[string, ForgeIntelOptions, ErrorCode]> = [
    // The verifier reports a QE report that does not bind the attestation key as an uncertified key.
    ['a QE report whose report data does not bind the attestation key', { break: { qeBinding: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a bad quote signature', { break: { quoteSignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a bad QE report signature', { break: { qeReportSignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a PCK certificate not signed by its CA', { break: { pckCertSignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a bad TCB Info signature', { break: { tcbInfoSignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a bad QE Identity signature', { break: { qeIdentitySignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a PCK CRL not signed by the PCK CA', { break: { pckCrlSignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a chain issued by another root', { break: { foreignRoot: true } }, 'ERR_EVIDENCE_UNTRUSTED_ROOT'],
    ['missing collateral', { break: { missingCollateral: true } }, 'ERR_COLLATERAL_MISSING'],
    ['a forged quote whose collateral is missing (forgery wins)', { break: { missingCollateral: true, quoteSignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['TCB Info for another FMSPC', { tcbInfo: { fmspc: '00a067110000' } }, 'ERR_COLLATERAL_MALFORMED'],
    ['a TDX quote with a bad quote signature', { tee: 'tdx', break: { quoteSignature: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a TDX quote whose QE report does not bind the key', { tee: 'tdx', quoteVersion: 5, bodyType: 3, break: { qeBinding: true } }, 'ERR_EVIDENCE_SIGNATURE_INVALID'],
    ['a TDX chain issued by another root', { tee: 'tdx', break: { foreignRoot: true } }, 'ERR_EVIDENCE_UNTRUSTED_ROOT'],
  ];
  for (const [what, options, code] of breakages) {
    it(`refuses ${what}: ${code}`, async () => {
      await rejectsWith(options, code);
    });
  }

  it('refuses a PCK certificate without the SGX extension: ERR_EVIDENCE_CHAIN_INVALID', async () => {
    await rejectsWith({ pck: { omitSgxExtension: true } }, 'ERR_EVIDENCE_CHAIN_INVALID');
  });

  it('refuses TCB Info and QE Identity signed under another root: ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
    const world = await forgeIntelWorld();
    const foreign = await forgeIntelWorld({ break: { foreignRoot: true } });
    const collateral = { ...world.collateral, tcbInfo: foreign.collateral.tcbInfo, qeIdentity: foreign.collateral.qeIdentity };
    const ctx = world.context({ collateral: { intel: async () => collateral, amd: async () => undefined } });
    await assert.rejects(verifyIntelQuote(world.quote, ctx), (err: unknown) => isConfideError(err, 'ERR_EVIDENCE_UNTRUSTED_ROOT'));
  });

  it('refuses a PCK CRL from the other PCK CA (Platform CRL for a Processor PCK): ERR_COLLATERAL_MALFORMED', async () => {
    const world = await forgeIntelWorld({ ca: 'processor' });
    const platform = await forgeIntelWorld({ ca: 'platform' });
    const collateral = { ...world.collateral, pckCrl: platform.collateral.pckCrl };
    const ctx = world.context({ collateral: { intel: async () => collateral, amd: async () => undefined } });
    await assert.rejects(verifyIntelQuote(world.quote, ctx), (err: unknown) => isConfideError(err, 'ERR_COLLATERAL_MALFORMED'));
  });

  it('refuses a forged chain under the pinned production root (no trust anchor override): ERR_EVIDENCE_UNTRUSTED_ROOT', async () => {
    const world = await forgeIntelWorld();
    const { trustAnchors: _unused, ...ctx } = world.context();
    await assert.rejects(verifyIntelQuote(world.quote, ctx), (err: unknown) => isConfideError(err, 'ERR_EVIDENCE_UNTRUSTED_ROOT'));
  });
});

/** Levels for the default TD: its own level (TDX components = TEE_TCB_SVN) and an older one. */
function tdxLevels(tdx: number[], olderTdx: number[], olderAdvisories = ['INTEL-SA-00837']): PlatformTcbLevel[] {
  return [
    { sgx: DEFAULT_SGX_TCB, pceSvn: DEFAULT_PCE_SVN, tdx, status: 'UpToDate' },
    { sgx: DEFAULT_SGX_TCB, pceSvn: DEFAULT_PCE_SVN, tdx: olderTdx, status: 'OutOfDate', advisoryIds: olderAdvisories },
  ];
}

function tdxRecord(claims: Claims): Record<string, unknown> {
  return { ...claimsOf(claims, 'tdx').tdx };
}

describe('forged TDX quotes', () => {
  it('verifies a TDX v4 quote with exact claims (module graded by TDX_01)', async () => {
    const { world, claims } = await verified({ tee: 'tdx' });
    const e = world.expected;
    const { tdx, ...top } = claimsOf(claims, 'tdx');
    assert.deepEqual(top, {
      tee: 'tdx',
      debug: false,
      measurement: e.measurement,
      reportData: e.reportData,
      tcbStatus: 'UpToDate',
      advisoryIds: [],
      collateralExpired: false,
      expiredCollateral: [],
      fmspc: '90c06f000000',
      verifiedAt: world.at.toISOString(),
      collateralDigests: digestsOf(world),
    });
    assert.deepEqual(tdx, {
      quoteVersion: 4,
      bodyType: 2,
      teeTcbSvn: hex(DEFAULT_TEE_TCB_SVN),
      mrSeam: tdx.mrSeam,
      mrSignerSeam: zeros(48),
      seamAttributes: zeros(8),
      tdAttributes: '0000001000000000',
      tdAttributesDecoded: { debug: false, septVeDisable: true, pks: false, kl: false, perfmon: false },
      xfam: 'e702060000000000',
      mrtd: e.measurement,
      mrConfigId: zeros(48),
      mrOwner: zeros(48),
      mrOwnerConfig: zeros(48),
      rtmrs: tdx.rtmrs,
      tdxModuleStatus: 'UpToDate',
      tdxModuleIdentity: 'TDX_01',
      pceId: '0000',
      pceSvn: DEFAULT_PCE_SVN,
      pckCpuSvn: PLATFORM_CPU_SVN,
      qeSvn: 4,
      tcbDate: LEVEL_DATE,
      qeStatus: 'UpToDate',
      qeTcbDate: LEVEL_DATE,
      platformStatus: 'UpToDate',
      caType: 'platform',
      tcbEvaluationDataNumber: 17,
    });
    assert.equal((tdx?.['rtmrs'] as string[]).length, 4);
    assert.equal((tdx?.['mrSeam'] as string).length, 96);
    assert.deepEqual(world.provider.requests, [{ tee: 'tdx', fmspc: '90c06f000000', ca: 'platform' }]);
  });

  it('grades an out-of-date TDX module (TEE_TCB_SVN[1] > 0) by its identity, skipping bytes 0-1 in the platform match', async () => {
    // Module SVN 3 on TDX_01 is OutOfDate (INTEL-SA-00960); the platform level is matched on bytes 2..15
    // only, so it stays on the UpToDate level and its older level's advisory must not appear.
    const teeTcbSvn = [3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const { claims } = await verified({
      tee: 'tdx',
      tdx: { teeTcbSvn },
      tcbInfo: { levels: tdxLevels(DEFAULT_TEE_TCB_SVN, [3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) },
    });
    assert.equal(claims.tcbStatus, 'OutOfDate');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00960']);
    const t = tdxRecord(claims);
    assert.equal(t['tdxModuleStatus'], 'OutOfDate');
    assert.equal(t['tdxModuleIdentity'], 'TDX_01');
    assert.equal(t['platformStatus'], 'UpToDate');
    assert.equal(t['teeTcbSvn'], hex(teeTcbSvn));
  });

  it('folds an out-of-date module into a ConfigurationNeeded platform: OutOfDateConfigurationNeeded', async () => {
    const levels = tdxLevels(DEFAULT_TEE_TCB_SVN, DEFAULT_TEE_TCB_SVN);
    levels[0] = { ...levels[0]!, status: 'ConfigurationNeeded', advisoryIds: ['INTEL-SA-00161'] };
    const { claims } = await verified({ tee: 'tdx', tdx: { teeTcbSvn: [3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, tcbInfo: { levels } });
    assert.equal(claims.tcbStatus, 'OutOfDateConfigurationNeeded');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00161', 'INTEL-SA-00960']);
  });

  it('grades NotSupported when the module version has no identity (TDX_02 absent)', async () => {
    const { claims } = await verified({ tee: 'tdx', tdx: { teeTcbSvn: [5, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] } });
    assert.equal(claims.tcbStatus, 'NotSupported');
  });

  it('compares all 16 TDX components when TEE_TCB_SVN[1] is 0 (no module identity)', async () => {
    const own = [5, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const reached = [4, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const { claims } = await verified({ tee: 'tdx', tdx: { teeTcbSvn: reached }, tcbInfo: { levels: tdxLevels(own, reached, ['INTEL-SA-00837']) } });
    assert.equal(claims.tcbStatus, 'OutOfDate');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00837']);
    assert.equal(tdxRecord(claims)['tdxModuleStatus'], undefined);
    const upToDate = await verified({ tee: 'tdx', tdx: { teeTcbSvn: own }, tcbInfo: { levels: tdxLevels(own, reached) } });
    assert.equal(upToDate.claims.tcbStatus, 'UpToDate');
  });

  it('verifies a TDX v5 quote with a TD 1.0 body (type 2)', async () => {
    const { world, claims } = await verified({ tee: 'tdx', quoteVersion: 5, bodyType: 2 });
    assert.equal(claims.tcbStatus, 'UpToDate');
    assert.equal(claims.measurement, world.expected.measurement);
    const t = tdxRecord(claims);
    assert.equal(t['quoteVersion'], 5);
    assert.equal(t['bodyType'], 2);
    assert.equal(t['teeTcbSvn2'], undefined);
    assert.equal(t['mrServiceTd'], undefined);
  });

  it('verifies a TDX v5 quote with a TD 1.5 body (type 3), reading TEE_TCB_SVN_2 and MRSERVICETD', async () => {
    const teeTcbSvn2 = [7, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const { world, claims } = await verified({ tee: 'tdx', quoteVersion: 5, bodyType: 3, tdx: { teeTcbSvn2, mrServiceTd: '5e'.repeat(48) } });
    assert.equal(claims.tcbStatus, 'UpToDate');
    assert.equal(claims.reportData, world.expected.reportData);
    const t = tdxRecord(claims);
    assert.equal(t['bodyType'], 3);
    assert.equal(t['teeTcbSvn2'], hex(teeTcbSvn2));
    assert.equal(t['mrServiceTd'], '5e'.repeat(48));
  });

  it('grades the module of a v5 quote by its identity too', async () => {
    const { claims } = await verified({ tee: 'tdx', quoteVersion: 5, bodyType: 3, tdx: { teeTcbSvn: [3, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] } });
    assert.equal(claims.tcbStatus, 'OutOfDate');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00960']);
    assert.equal(tdxRecord(claims)['tdxModuleStatus'], 'OutOfDate');
  });

  it('reports a debug TD (TDATTRIBUTES.DEBUG) as debug: true', async () => {
    const { claims } = await verified({ tee: 'tdx', tdx: { debug: true } });
    assert.equal(claims.debug, true);
    const t = tdxRecord(claims);
    assert.equal(t['tdAttributes'], '0100001000000000');
    assert.deepEqual(t['tdAttributesDecoded'], { debug: true, septVeDisable: true, pks: false, kl: false, perfmon: false });
  });

  it('decodes TD attributes bit by bit (SEPT_VE_DISABLE 28, PKS 30, KL 31, PERFMON 63)', async () => {
    const a = await verified({ tee: 'tdx', tdx: { tdAttributes: '0000005000000080' } });
    assert.equal(a.claims.debug, false);
    assert.deepEqual(tdxRecord(a.claims)['tdAttributesDecoded'], { debug: false, septVeDisable: true, pks: true, kl: false, perfmon: true });
    const b = await verified({ tee: 'tdx', tdx: { tdAttributes: '0100008000000000' } });
    assert.equal(b.claims.debug, true);
    assert.deepEqual(tdxRecord(b.claims)['tdAttributesDecoded'], { debug: true, septVeDisable: false, pks: false, kl: true, perfmon: false });
  });

  it('folds an out-of-date TD QE into the TDX status', async () => {
    const { claims } = await verified({ tee: 'tdx', qe: { isvSvn: 3 }, qeIdentity: { levels: [{ isvsvn: 4, status: 'UpToDate' }, { isvsvn: 2, status: 'OutOfDate', advisoryIds: ['INTEL-SA-00837'] }] } });
    assert.equal(claims.tcbStatus, 'OutOfDate');
    assert.deepEqual(claims.advisoryIds, ['INTEL-SA-00837']);
    assert.equal(tdxRecord(claims)['qeStatus'], 'OutOfDate');
  });

  // Intel's QVL (TdxModuleCheck) refuses a TD whose MRSIGNERSEAM differs from the module identity's
  // mrsigner, or whose SEAMATTRIBUTES are not zero (TDX_MODULE_MISMATCH): the SEAM module is not Intel's.
  it('refuses a TD whose MRSIGNERSEAM is not the TDX module signer Intel names: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ tee: 'tdx', tdx: { mrSignerSeam: '77'.repeat(48) } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('refuses a TD whose SEAMATTRIBUTES are not zero: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    await rejectsWith({ tee: 'tdx', tdx: { seamAttributes: '0100000000000000' } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('refuses a TD without module identity whose MRSIGNERSEAM is not tdxModule.mrsigner: ERR_EVIDENCE_BINDING_MISMATCH', async () => {
    const own = [5, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    await rejectsWith({ tee: 'tdx', tdx: { teeTcbSvn: own, mrSignerSeam: '77'.repeat(48) }, tcbInfo: { levels: tdxLevels(own, own) } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('refuses an SGX TCB Info offered for a TDX quote: ERR_COLLATERAL_MALFORMED', async () => {
    const world = await forgeIntelWorld({ tee: 'tdx' });
    const sgxWorld = await forgeIntelWorld({ tee: 'sgx', fmspc: '90c06f000000', ca: 'platform' });
    const ctx = world.context({
      collateral: { intel: async () => ({ ...world.collateral, tcbInfo: sgxWorld.collateral.tcbInfo }), amd: async () => undefined },
    });
    await assert.rejects(verifyIntelQuote(world.quote, ctx), (err: unknown) => isConfideError(err, 'ERR_COLLATERAL_MALFORMED'));
  });
});
