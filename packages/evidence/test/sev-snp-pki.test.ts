/**
 * SEV-SNP verification against a test PKI that stands in for AMD's (@confide/test-kit/amd-pki):
 * the cases real vectors do not cover (each product with forged reports, v2 product
 * detection, VLEK, CRLs, expiry, TCB and chip bindings, debug policy).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock, toHex, type ErrorCode } from '@confide/core';
import {
  parseSnpReport,
  snpVerifier,
  verifySnpReport,
  type AmdCollateral,
  type AmdCollateralRequest,
  type AmdProduct,
  type Claims,
  type SevSnpClaims,
  type VerifyContext,
  claimsOf,
} from '../src/index.js';
import {
  DAY,
  TEST_NOW,
  amdCollateral,
  forgeReport,
  foreignPki,
  issueCrl,
  issueVek,
  pattern,
  productPki,
  type ReportSpec,
  type TcbParts,
  type TestProductPki,
  type TestVek,
  type VekSpec,
} from '@confide/test-kit/amd-pki';

const clock = fixedClock(TEST_NOW);

const TCB: Record<AmdProduct, TcbParts> = {
  Milan: { bootloader: 4, tee: 0, snp: 24, microcode: 219 },
  Genoa: { bootloader: 10, tee: 0, snp: 25, microcode: 84 },
  Turin: { fmc: 3, bootloader: 1, tee: 0, snp: 2, microcode: 71 },
};

/** A chip ID and the hwID a VCEK for it carries (Turin: the first 8 bytes). */
function chip(product: AmdProduct): { chipId: Uint8Array; hwid: Uint8Array } {
  if (product === 'Turin') {
    const chipId = new Uint8Array(64);
    chipId.set(pattern(8, 0xa0));
    return { chipId, hwid: pattern(8, 0xa0) };
  }
  return { chipId: pattern(64, 0xa0), hwid: pattern(64, 0xa0) };
}

interface Setup {
  pki: TestProductPki;
  vek: TestVek;
  report: Uint8Array;
  collateral: AmdCollateral;
}

async function setup(
  product: AmdProduct,
  report: Partial<ReportSpec> = {},
  vek: Partial<VekSpec> = {},
  collateral: Partial<AmdCollateral> = {},
): Promise<Setup> {
  const pki = await productPki(product);
  const keyType = vek.keyType ?? (report.signingKey === 1 ? 'vlek' : 'vcek');
  const { chipId, hwid } = chip(product);
  const v = await issueVek(pki, { keyType, tcb: TCB[product], ...(keyType === 'vcek' ? { hwid } : { cspId: 'CN=test-csp' }), ...vek });
  const bytes = await forgeReport({ product, tcb: TCB[product], chipId: keyType === 'vcek' ? chipId : new Uint8Array(64), ...report }, v);
  const intermediate = keyType === 'vcek' ? pki.ask : pki.asvk;
  return { pki, vek: v, report: bytes, collateral: { vek: v.der, chain: [intermediate.der, pki.ark.der], ...collateral } };
}

function run(s: Setup, extra: Partial<VerifyContext> = {}, seen?: AmdCollateralRequest[]): Promise<Claims> {
  return snpVerifier.verify(snpVerifier.parse(s.report), {
    clock,
    collateral: amdCollateral(s.collateral, seen),
    trustAnchors: { amdRoots: [s.pki.ark.der] },
    ...extra,
  });
}

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });
}

const snp = (claims: Claims): SevSnpClaims & Record<string, unknown> => ({ ...claimsOf(claims, 'sev-snp').sevSnp });

describe('SEV-SNP with a test AMD PKI', () => {
  it('a forged report that verifies is refused once its signature field carries reserved bytes (issue 16)', async () => {
    const s = await setup('Milan');
    assert.equal((await run(s)).tee, 'sev-snp');
    const twin = s.report.slice();
    twin[0x2a0 + 200] = 0x01;
    await rejects(Promise.resolve().then(() => run({ ...s, report: twin })), 'ERR_EVIDENCE_MALFORMED');
  });

  for (const product of ['Milan', 'Genoa', 'Turin'] as const) {
    it(`verifies a forged ${product} report with exact claims`, async () => {
      const version = product === 'Turin' ? 5 : 3;
      const s = await setup(product, { version });
      const seen: AmdCollateralRequest[] = [];
      const claims = await run(s, {}, seen);
      const { chipId } = chip(product);
      assert.equal(claims.tee, 'sev-snp');
      assert.equal(claims.debug, false);
      assert.equal(claims.measurement, toHex(pattern(48, 0x90)));
      assert.equal(claims.reportData, toHex(pattern(64, 0x50)));
      assert.equal(claims.chipId, toHex(chipId));
      assert.equal(claims.tcbStatus, 'UpToDate');
      assert.equal(claims.collateralExpired, false);
      assert.deepEqual(claims.expiredCollateral, []);
      assert.equal(snp(claims)['product'], product);
      assert.equal(snp(claims)['version'], version);
      assert.equal(snp(claims)['guestSvn'], 7);
      assert.equal(snp(claims)['hostData'], toHex(pattern(32, 0xc0)));
      assert.equal(snp(claims)['familyId'], toHex(pattern(16, 0x10)));
      assert.equal(snp(claims)['imageId'], toHex(pattern(16, 0x20)));
      assert.deepEqual(snp(claims)['currentVersion'], { major: 1, minor: 55, build: 43 });
      assert.deepEqual(snp(claims)['committedVersion'], { major: 1, minor: 55, build: 42 });
      const { raw, ...tcb } = snp(claims)['reportedTcb'];
      assert.deepEqual(tcb, TCB[product]);
      assert.deepEqual(seen, [{ product, keyType: 'vcek', chipId: toHex(chipId), reportedTcb: raw }]);
    });
  }

  it('reads the Turin TCB layout: FMC in byte 0, SNP in byte 3', async () => {
    const claims = await run(await setup('Turin', { version: 5 }));
    assert.deepEqual(snp(claims)['reportedTcb'], { raw: '0301000200000047', fmc: 3, bootloader: 1, tee: 0, snp: 2, microcode: 71 });
    assert.equal(snp(claims)['launchMitVector'], '0x1');
    assert.equal(snp(claims)['currentMitVector'], '0x3');
  });

  describe('v2 reports take the product from the VCEK', () => {
    for (const product of ['Milan', 'Genoa', 'Turin'] as const) {
      it(`${product} v2`, async () => {
        const seen: AmdCollateralRequest[] = [];
        const claims = await run(await setup(product, { version: 2 }), {}, seen);
        assert.equal(snp(claims)['product'], product);
        assert.equal(seen[0]!.product, undefined);
        assert.equal(snp(claims)['cpuid'], undefined);
      });
    }
    it('from the issuer CN when the product-name extension is absent', async () => {
      const claims = await run(await setup('Genoa', { version: 2 }, { productName: null }));
      assert.equal(snp(claims)['product'], 'Genoa');
    });
    it('from a stepping-suffixed product name', async () => {
      const claims = await run(await setup('Milan', { version: 2 }, { productName: 'Milan-B0' }));
      assert.equal(snp(claims)['product'], 'Milan');
    });
  });

  it('verifies a VLEK report with a zero chip ID', async () => {
    const claims = await run(await setup('Genoa', { signingKey: 1 }));
    assert.equal(snp(claims)['signingKey'], 'vlek');
    assert.equal(snp(claims)['cspId'], 'CN=test-csp');
    assert.equal(claims.chipId, '00'.repeat(64));
  });

  it('refuses a VLEK issued by the ASK instead of the ASVK', async () => {
    const pki = await productPki('Milan');
    await rejects(run(await setup('Milan', { signingKey: 1 }, { issuer: pki.ask })), 'ERR_EVIDENCE_CHAIN_INVALID');
  });

  it('decodes a debug policy', async () => {
    const claims = await run(await setup('Milan', { policy: 0x3001fn | (1n << 19n) }));
    assert.equal(claims.debug, true);
    assert.deepEqual(snp(claims)['policy'], {
      hex: '0xb001f',
      abiMajor: 0,
      abiMinor: 0x1f,
      smt: true,
      migrateMa: false,
      debug: true,
      singleSocket: false,
      cxlAllow: false,
      memAes256Xts: false,
      raplDis: false,
      ciphertextHiding: false,
    });
  });

  it('decodes every v5 policy and platform bit', async () => {
    const policy = (0x3n << 8n) | 0x2n | (0x1ffn << 16n) | (1n << 25n); // bits 16..25 set
    const claims = await run(await setup('Turin', { version: 5, policy, platformInfo: 0xbfn }));
    assert.deepEqual(snp(claims)['policy'], {
      hex: '0x3ff0302',
      abiMajor: 3,
      abiMinor: 2,
      smt: true,
      migrateMa: true,
      debug: true,
      singleSocket: true,
      cxlAllow: true,
      memAes256Xts: true,
      raplDis: true,
      ciphertextHiding: true,
      pageSwapDisable: true,
    });
    assert.deepEqual(snp(claims)['platformInfo'], {
      hex: '0xbf',
      smtEn: true,
      tsmeEn: true,
      eccEn: true,
      raplDis: true,
      ciphertextHidingEn: true,
      aliasCheckComplete: true,
      tioEn: true,
    });
  });

  describe('CRL', () => {
    it('a CRL listing the ASK revokes the chain', async () => {
      const pki = await productPki('Milan');
      const crl = await issueCrl(pki.ark, { revoked: [pki.ask.serial], thisUpdate: new Date(TEST_NOW.getTime() - DAY), nextUpdate: new Date(TEST_NOW.getTime() + DAY) });
      await rejects(run(await setup('Milan', {}, {}, { crl })), 'ERR_EVIDENCE_REVOKED');
    });
    it('a CRL listing the ASVK revokes a VLEK chain', async () => {
      const pki = await productPki('Turin');
      const crl = await issueCrl(pki.ark, { revoked: [pki.asvk.serial], thisUpdate: new Date(TEST_NOW.getTime() - DAY), nextUpdate: new Date(TEST_NOW.getTime() + DAY) });
      await rejects(run(await setup('Turin', { version: 5, signingKey: 1 }, {}, { crl })), 'ERR_EVIDENCE_REVOKED');
    });
    it('a current CRL that lists other serials changes nothing', async () => {
      const pki = await productPki('Milan');
      const crl = await issueCrl(pki.ark, { revoked: [0x7777, pki.asvk.serial], thisUpdate: new Date(TEST_NOW.getTime() - DAY), nextUpdate: new Date(TEST_NOW.getTime() + DAY) });
      const claims = await run(await setup('Milan', {}, {}, { crl }));
      assert.equal(claims.collateralExpired, false);
    });
    it('an expired CRL is reported, not refused', async () => {
      const pki = await productPki('Genoa');
      const crl = await issueCrl(pki.ark, { revoked: [], thisUpdate: new Date(TEST_NOW.getTime() - 10 * DAY), nextUpdate: new Date(TEST_NOW.getTime() - DAY) });
      const claims = await run(await setup('Genoa', {}, {}, { crl }));
      assert.equal(claims.collateralExpired, true);
      assert.deepEqual(claims.expiredCollateral, ['arkCrl']);
    });
    it('a CRL not signed by the ARK is refused', async () => {
      const pki = await productPki('Milan');
      const crl = await issueCrl(pki.ark, {
        revoked: [],
        thisUpdate: new Date(TEST_NOW.getTime() - DAY),
        nextUpdate: new Date(TEST_NOW.getTime() + DAY),
        signingKey: pki.ask.keys.privateKey,
      });
      await rejects(run(await setup('Milan', {}, {}, { crl })), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a CRL of another issuer is malformed collateral', async () => {
      const pki = await productPki('Milan');
      const crl = await issueCrl(pki.ask, { revoked: [], thisUpdate: new Date(TEST_NOW.getTime() - DAY), nextUpdate: new Date(TEST_NOW.getTime() + DAY) });
      await rejects(run(await setup('Milan', {}, {}, { crl })), 'ERR_COLLATERAL_MALFORMED');
    });
  });

  describe('validity', () => {
    it('an expired VCEK is reported as cert:SEV-VCEK', async () => {
      const s = await setup('Genoa', {}, { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date(TEST_NOW.getTime() - DAY) });
      const claims = await run(s);
      assert.equal(claims.collateralExpired, true);
      assert.deepEqual(claims.expiredCollateral, ['cert:SEV-VCEK']);
    });
    it('a VCEK not yet valid is reported too', async () => {
      const s = await setup('Milan', {}, { notBefore: new Date(TEST_NOW.getTime() + DAY) });
      assert.deepEqual((await run(s)).expiredCollateral, ['cert:SEV-VCEK']);
    });
    it('the whole chain is checked at the clock time', async () => {
      const s = await setup('Milan');
      const claims = await run(s, { clock: fixedClock(new Date('2050-01-01T00:00:00Z')) });
      assert.deepEqual(claims.expiredCollateral, ['cert:SEV-VCEK', 'cert:SEV-Milan', 'cert:ARK-Milan']);
      assert.equal(claims.verifiedAt, '2050-01-01T00:00:00.000Z');
    });
  });

  describe('bindings', () => {
    it('a VCEK for another TCB is a binding mismatch', async () => {
      await rejects(run(await setup('Milan', {}, { tcb: { ...TCB.Milan, snp: 23 } })), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
    it('a Turin VCEK for another FMC level is a binding mismatch', async () => {
      await rejects(run(await setup('Turin', { version: 5 }, { tcb: { ...TCB.Turin, fmc: 2 } })), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
    it('a VLEK for another TCB is a binding mismatch', async () => {
      await rejects(run(await setup('Genoa', { signingKey: 1 }, { tcb: { ...TCB.Genoa, microcode: 83 } })), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
    it('a VCEK for another chip is a binding mismatch', async () => {
      await rejects(run(await setup('Genoa', {}, { hwid: pattern(64, 0xa1) })), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
    it('a Turin chip ID must be zero after the 8-byte hwID', async () => {
      const chipId = new Uint8Array(64);
      chipId.set(pattern(8, 0xa0));
      chipId[40] = 1;
      await rejects(run(await setup('Turin', { version: 5, chipId })), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
    it('a VCEK without hwID is malformed collateral', async () => {
      const pki = await productPki('Milan');
      const vek = await issueVek(pki, { keyType: 'vcek', tcb: TCB.Milan });
      const report = await forgeReport({ product: 'Milan', tcb: TCB.Milan, chipId: chip('Milan').chipId }, vek);
      await rejects(run({ pki, vek, report, collateral: { vek: vek.der, chain: [pki.ask.der, pki.ark.der] } }), 'ERR_COLLATERAL_MALFORMED');
    });
    it('expected report data must match', async () => {
      const s = await setup('Milan');
      const claims = await run(s, { expectedReportData: pattern(16, 0x50) });
      assert.equal(claims.reportData.slice(0, 32), toHex(pattern(16, 0x50)));
      await rejects(run(s, { expectedReportData: pattern(16, 0x51) }), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
  });

  describe('roots and products', () => {
    it('a test-PKI chain is untrusted under the pinned AMD roots', async () => {
      const s = await setup('Milan');
      await rejects(verifySnpReport(parseSnpReport(s.report), { clock, collateral: amdCollateral(s.collateral) }), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    });
    it('a foreign ARK with AMD names is untrusted', async () => {
      const s = await setup('Genoa');
      const foreign = await foreignPki('Genoa');
      await rejects(run(s, { trustAnchors: { amdRoots: [foreign.ark.der] } }), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    });
    it('an anchor for another product is not used', async () => {
      const s = await setup('Genoa');
      const milan = await productPki('Milan');
      await rejects(run(s, { trustAnchors: { amdRoots: [milan.ark.der] } }), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    });
    it('without a chain in the collateral the pinned AMD ASK does not chain to a test ARK', async () => {
      const s = await setup('Milan');
      await rejects(run({ ...s, collateral: { vek: s.collateral.vek } }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('the ARK alone may be left to the anchors', async () => {
      const s = await setup('Turin', { version: 5 });
      const claims = await run({ ...s, collateral: { vek: s.collateral.vek, chain: [s.pki.ask.der] } });
      assert.equal(snp(claims)['product'], 'Turin');
    });
    it('a CPU family that is not Milan, Genoa or Turin is unsupported', async () => {
      const s = await setup('Milan');
      const bytes = s.report.slice();
      bytes[0x188] = 0x17;
      await rejects(run({ ...s, report: bytes }), 'ERR_EVIDENCE_UNSUPPORTED');
    });
    it('a Genoa report with a Milan VCEK is refused', async () => {
      const milan = await setup('Milan');
      const genoa = await setup('Genoa');
      await rejects(run({ ...genoa, collateral: milan.collateral }), 'ERR_EVIDENCE_CHAIN_INVALID');
    });
  });

  it('verifies many reports concurrently', async () => {
    const setups = await Promise.all((['Milan', 'Genoa', 'Turin'] as const).map((p) => setup(p, { version: 5 })));
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => run(setups[i % 3]!)));
    assert.deepEqual(
      all.map((c) => snp(c)['product']),
      Array.from({ length: 30 }, (_, i) => ['Milan', 'Genoa', 'Turin'][i % 3]),
    );
  });
});
