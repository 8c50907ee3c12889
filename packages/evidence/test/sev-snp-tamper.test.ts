/**
 * Corrupted twins of real SEV-SNP reports and their collateral: each must fail with a specific
 * code. The untouched originals verify in sev-snp-vectors.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock, type ErrorCode } from '@confide/core';
import { AMD_PINNED, parseSnpReport, verifyEvidence, verifySnpReport, type AmdCollateral, type VerifyContext } from '../src/index.js';
import { at, vector, vectorsMissing } from '@confide/test-kit/vectors';
import { amdCollateral, flipBit, productPki } from '@confide/test-kit/amd-pki';

const PIN = 1780272000;
const clock = fixedClock(at(PIN));

const milanReport = () => vector('sev-snp/trustee/test-report.bin');
const milanVcek = () => vector('sev-snp/trustee/test-vcek.der');
const genoaReport = () => vector('sev-snp/project-oak/genoa_snp_report.bin');
const genoaVcek = () => vector('sev-snp/project-oak/genoa_vcek.der');
const vlekReport = () => vector('sev-snp/trustee/test-vlek-report.bin');

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });
}

function verify(report: Uint8Array, collateral: AmdCollateral | undefined, extra: Partial<VerifyContext> = {}) {
  return verifySnpReport(parseSnpReport(report), { clock, collateral: amdCollateral(collateral), ...extra });
}

/** Index of `needle` in `haystack`, asserting it is there. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const i = Buffer.from(haystack).indexOf(Buffer.from(needle));
  assert.ok(i >= 0, 'needle not found');
  return i;
}

describe('SEV-SNP corrupted twins of real reports', { skip: vectorsMissing }, () => {
  it('the untouched baseline verifies', async () => {
    const claims = await verify(milanReport(), { vek: milanVcek() });
    assert.equal(claims.measurement.slice(0, 8), 'a1f39304');
  });

  describe('report bytes', () => {
    it('a bit flip in the signed body (measurement) breaks the signature', async () => {
      await rejects(verify(flipBit(milanReport(), 0x90), { vek: milanVcek() }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in report data breaks the signature', async () => {
      await rejects(verify(flipBit(genoaReport(), 0x50, 7), { vek: genoaVcek() }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in R breaks the signature', async () => {
      await rejects(verify(flipBit(milanReport(), 0x2a0), { vek: milanVcek() }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in S breaks the signature', async () => {
      await rejects(verify(flipBit(milanReport(), 0x2a0 + 72 + 10), { vek: milanVcek() }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a non-zero byte anywhere in the reserved part of the signature field is malformed (issue 16)', async () => {
      for (const offset of [0x2a0 + 144, 0x400, 0x49f]) {
        assert.throws(() => parseSnpReport(flipBit(milanReport(), offset)), (e: { code?: string }) => e.code === 'ERR_EVIDENCE_MALFORMED');
        await rejects(verifyEvidence(flipBit(genoaReport(), offset, 3), {}, { clock, collateral: amdCollateral({ vek: genoaVcek() }) }), 'ERR_EVIDENCE_MALFORMED');
      }
    });
    it('a non-zero byte in the zero extension of R is refused', async () => {
      await rejects(verify(flipBit(milanReport(), 0x2a0 + 60), { vek: milanVcek() }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('truncation and extension are malformed', () => {
      assert.throws(() => parseSnpReport(milanReport().subarray(0, 1183)), { code: 'ERR_EVIDENCE_MALFORMED' });
      assert.throws(() => parseSnpReport(new Uint8Array(1185)), { code: 'ERR_EVIDENCE_MALFORMED' });
      assert.throws(() => parseSnpReport(new Uint8Array(0)), { code: 'ERR_EVIDENCE_MALFORMED' });
    });
    it('versions other than 2, 3 and 5 are unsupported', () => {
      for (const version of [0, 1, 4, 6, 0x100]) {
        const bytes = milanReport();
        new DataView(bytes.buffer).setUint32(0, version, true);
        assert.throws(() => parseSnpReport(bytes), { code: 'ERR_EVIDENCE_UNSUPPORTED' }, `version ${version}`);
      }
    });
    it('a signature algorithm other than ECDSA P-384 is unsupported', async () => {
      const bytes = milanReport();
      bytes[0x34] = 2;
      await rejects(verify(bytes, { vek: milanVcek() }), 'ERR_EVIDENCE_UNSUPPORTED');
    });
    it('a reserved SIGNING_KEY value is unsupported', () => {
      const bytes = milanReport();
      bytes[0x48] = 3 << 2;
      assert.throws(() => parseSnpReport(bytes), { code: 'ERR_EVIDENCE_UNSUPPORTED' });
    });
    it('a report that says it is unsigned is refused', async () => {
      const bytes = milanReport();
      bytes[0x48] = 7 << 2;
      await rejects(verify(bytes, { vek: milanVcek() }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('flipping SIGNING_KEY to VLEK no longer fits the VCEK', async () => {
      const bytes = milanReport();
      bytes[0x48] = 1 << 2;
      await rejects(verify(bytes, { vek: milanVcek() }), 'ERR_EVIDENCE_CHAIN_INVALID');
    });
  });

  describe('certificates', () => {
    it('a bit flip in the VCEK signature breaks the chain signature', async () => {
      await rejects(verify(milanReport(), { vek: flipBit(milanVcek(), -1) }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in the VCEK public key breaks the signatures', async () => {
      const vek = milanVcek();
      const point = indexOf(vek, Uint8Array.of(0x03, 0x62, 0x00, 0x04)) + 20;
      await rejects(verify(milanReport(), { vek: flipBit(vek, point) }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in the VCEK issuer name breaks the link', async () => {
      const vek = milanVcek();
      const issuerCn = indexOf(vek, new TextEncoder().encode('SEV-Milan'));
      await rejects(verify(milanReport(), { vek: flipBit(vek, issuerCn + 4, 1) }), 'ERR_EVIDENCE_CHAIN_INVALID');
    });
    it('a VCEK verified once does not vouch for a twin with the same signature', async () => {
      const vek = milanVcek();
      const notAfter = indexOf(vek, new TextEncoder().encode('300124175826Z'));
      await verify(milanReport(), { vek });
      await rejects(verify(milanReport(), { vek: flipBit(vek, notAfter + 1) }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
      const claims = await verify(milanReport(), { vek });
      assert.equal(claims.collateralExpired, false);
    });
    it('a bit flip in the ASK breaks its signature', async () => {
      const chain = [flipBit(AMD_PINNED.Milan.ask, -1), AMD_PINNED.Milan.ark];
      await rejects(verify(milanReport(), { vek: milanVcek(), chain }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in the ASK validity breaks its signature', async () => {
      const ask = AMD_PINNED.Milan.ask;
      const notAfter = indexOf(ask, new TextEncoder().encode('451022182420Z'));
      await rejects(verify(milanReport(), { vek: milanVcek(), chain: [flipBit(ask, notAfter + 1), AMD_PINNED.Milan.ark] }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in the ARK signature fails its self-signature', async () => {
      const chain = [AMD_PINNED.Milan.ask, flipBit(AMD_PINNED.Milan.ark, -1)];
      await rejects(verify(milanReport(), { vek: milanVcek(), chain }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    it('a bit flip in the ARK key makes it a foreign root', async () => {
      const ark = AMD_PINNED.Milan.ark;
      const modulus = indexOf(ark, Uint8Array.of(0x02, 0x82, 0x02, 0x01, 0x00)) + 40;
      await rejects(verify(milanReport(), { vek: milanVcek(), chain: [AMD_PINNED.Milan.ask, flipBit(ark, modulus)] }), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    });
    it('a VCEK of another chip does not verify the report', async () => {
      await rejects(verify(milanReport(), { vek: vector('sev-snp/google-go-sev-guest/vcek.der') }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
    for (const which of ['legacy', 'new']) {
      it(`trustee test-vcek-invalid-${which} is refused`, async () => {
        await rejects(verify(milanReport(), { vek: vector(`sev-snp/trustee/test-vcek-invalid-${which}.der`) }), 'ERR_EVIDENCE_SIGNATURE_INVALID');
      });
    }
    it('a Milan VCEK for a Genoa report is refused', async () => {
      await rejects(verify(genoaReport(), { vek: milanVcek() }), 'ERR_EVIDENCE_CHAIN_INVALID');
    });
    it('the Milan chain offered for a Genoa report is not trusted for Genoa', async () => {
      await rejects(verify(genoaReport(), { vek: genoaVcek(), chain: [AMD_PINNED.Milan.ask, AMD_PINNED.Milan.ark] }), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    });
    it('the VCEK chain offered for a VLEK is refused', async () => {
      await rejects(
        verify(vlekReport(), { vek: vector('sev-snp/trustee/test-vlek.der'), chain: [AMD_PINNED.Milan.ask, AMD_PINNED.Milan.ark] }),
        'ERR_EVIDENCE_CHAIN_INVALID',
      );
    });
    it('a foreign ARK as the only anchor does not trust AMD', async () => {
      const pki = await productPki('Milan');
      await rejects(
        verify(milanReport(), { vek: milanVcek(), chain: [AMD_PINNED.Milan.ask, AMD_PINNED.Milan.ark] }, { trustAnchors: { amdRoots: [pki.ark.der] } }),
        'ERR_EVIDENCE_UNTRUSTED_ROOT',
      );
    });
    it('garbage instead of a VCEK is malformed collateral', async () => {
      await rejects(verify(milanReport(), { vek: Uint8Array.of(0x30, 0x03, 0x02, 0x01) }), 'ERR_COLLATERAL_MALFORMED');
    });
  });

  describe('bindings and collateral', () => {
    it('different expected report data is a binding mismatch', async () => {
      const bytes = milanReport();
      const expected = bytes.slice(0x50, 0x50 + 32);
      expected[31]! ^= 1;
      await rejects(verify(bytes, { vek: milanVcek() }, { expectedReportData: expected }), 'ERR_EVIDENCE_BINDING_MISMATCH');
    });
    it('the full 64 report-data bytes match', async () => {
      const bytes = milanReport();
      const claims = await verify(bytes, { vek: milanVcek() }, { expectedReportData: bytes.slice(0x50, 0x90) });
      assert.equal(claims.reportData.length, 128);
    });
    it('expected report data longer than 64 bytes is a usage error', async () => {
      await rejects(verify(milanReport(), { vek: milanVcek() }, { expectedReportData: new Uint8Array(65) }), 'ERR_USAGE');
    });
    it('no collateral is ERR_COLLATERAL_MISSING', async () => {
      await rejects(verify(milanReport(), undefined), 'ERR_COLLATERAL_MISSING');
    });
  });
});
