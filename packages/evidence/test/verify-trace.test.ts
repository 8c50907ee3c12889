/**
 * The verifier's own step trace (ctx.trace): on real SGX, TDX and SEV-SNP evidence every step
 * the verifier takes is recorded in order with its outcome; a flipped quote bit fails the quote
 * signature alone while the concurrent checks still report their own results, and nothing after
 * it runs; a wrong expected report data fails that step with its code. The claims are the same
 * with a trace as without.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock, isConfideError } from '@confide/core';
import { collateralItemsFromBytes, memoryCollateral, TraceCollector, verifyEvidence, VerifyCache, type TraceEntry, type VerifyContext } from '../src/index.js';
import { at, missingVector, vector } from '@confide/test-kit/vectors';

const SGX = { quote: 'sgx/phala-dcap-qvl/sgx_quote', collateral: 'sgx/phala-dcap-qvl/sgx_quote_collateral.json', at: 1750334171 };
const TDX = { quote: 'tdx/phala-dcap-qvl/tdx_quote', collateral: 'tdx/phala-dcap-qvl/tdx_quote_collateral.json', at: 1750332747 };
const SNP = { report: 'sev-snp/trustee/test-report.bin', vek: 'sev-snp/trustee/test-vcek.der', at: 1780272000 };
const skip = missingVector(SGX.quote, SGX.collateral, TDX.quote, TDX.collateral, SNP.report, SNP.vek) ?? false;

function context(collateral: string, unix: number, extra: Partial<VerifyContext> = {}): VerifyContext {
  return { clock: fixedClock(at(unix)), collateral: memoryCollateral(collateralItemsFromBytes(vector(collateral))!), cache: new VerifyCache(), ...extra };
}

/** Step, check and outcome of each entry, in order. */
const outline = (entries: TraceEntry[]): string[] => entries.map((e) => `${e.step} ${e.check} ${e.outcome}`);

describe('verifier step trace', { skip }, () => {
  it('SGX: every step in order, each passed or noted, and the claims unchanged', async () => {
    const trace = new TraceCollector();
    const claims = await verifyEvidence(vector(SGX.quote), {}, context(SGX.collateral, SGX.at, { trace }));
    assert.deepEqual(await verifyEvidence(vector(SGX.quote), {}, context(SGX.collateral, SGX.at)), claims);
    assert.deepEqual(outline(trace.entries), [
      'parse intel-quote passed',
      'pck-chain root passed',
      'quote-signature quoteSignature passed',
      'qe-report qeReportBinding passed',
      'qe-report qeReportSignature passed',
      'pck-chain PCK chain:Intel SGX PCK Certificate passed',
      'pck-chain PCK chain:Intel SGX PCK Processor CA passed',
      'pck-chain PCK chain:Intel SGX Root CA passed',
      'collateral found passed',
      'collateral-chain TCB Info issuer chain:Intel SGX TCB Signing passed',
      'crl pckCrl passed',
      'crl rootCaCrl passed',
      'revocation pckCrl passed',
      'revocation rootCaCrl passed',
      'report-data expected noted',
      'tcb-info signature passed',
      'qe-identity signature passed',
      'tcb-info applies passed',
      'qe-identity matches passed',
      'tcb-info level noted',
      'qe-identity level noted',
      'tcb-status combined noted',
      'validity collateral noted',
    ]);
    assert.match(trace.entries.find((e) => e.step === 'tcb-status')!.detail, /^ConfigurationAndSWHardeningNeeded, advisories INTEL-SA-00289, INTEL-SA-00615/);
  });

  it('SGX, one bit of the report data flipped: the quote signature fails, the concurrent checks keep their results, and nothing after runs', async () => {
    const quote = vector(SGX.quote).slice();
    quote[48 + 320]! ^= 0x01;
    const trace = new TraceCollector();
    await assert.rejects(verifyEvidence(quote, {}, context(SGX.collateral, SGX.at, { trace })), (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'));
    const failed = trace.entries.filter((e) => e.outcome === 'failed');
    assert.deepEqual(failed.map((e) => [e.step, e.code]), [['quote-signature', 'ERR_EVIDENCE_SIGNATURE_INVALID']]);
    assert.equal(trace.entries.find((e) => e.check === 'qeReportSignature')?.outcome, 'passed');
    assert.equal(trace.entries.filter((e) => e.step === 'pck-chain' && e.outcome === 'passed').length, 4);
    assert.ok(!trace.entries.some((e) => ['collateral', 'crl', 'revocation', 'tcb-info'].includes(e.step)));
  });

  it('SGX, a wrong expected report data: the report-data step fails with its code; the right one passes', async () => {
    const wrong = new TraceCollector();
    await assert.rejects(verifyEvidence(vector(SGX.quote), {}, context(SGX.collateral, SGX.at, { trace: wrong, expectedReportData: new Uint8Array(8).fill(7) })), (e) => isConfideError(e, 'ERR_EVIDENCE_BINDING_MISMATCH'));
    assert.deepEqual(wrong.entries.at(-1), { step: 'report-data', check: 'report-data', outcome: 'failed', code: 'ERR_EVIDENCE_BINDING_MISMATCH', detail: 'report data does not match the expected value' });
    const right = new TraceCollector();
    await verifyEvidence(vector(SGX.quote), {}, context(SGX.collateral, SGX.at, { trace: right, expectedReportData: vector(SGX.quote).slice(48 + 320, 48 + 336) }));
    assert.equal(right.entries.find((e) => e.step === 'report-data')?.outcome, 'passed');
  });

  it('SGX without collateral: the collateral step fails with ERR_COLLATERAL_MISSING after the quote checks passed', async () => {
    const trace = new TraceCollector();
    const ctx: VerifyContext = { clock: fixedClock(at(SGX.at)), collateral: memoryCollateral([]), cache: new VerifyCache(), trace };
    await assert.rejects(verifyEvidence(vector(SGX.quote), {}, ctx), (e) => isConfideError(e, 'ERR_COLLATERAL_MISSING'));
    assert.deepEqual(trace.entries.at(-1)?.step, 'collateral');
    assert.equal(trace.entries.at(-1)?.code, 'ERR_COLLATERAL_MISSING');
    assert.equal(trace.entries.filter((e) => e.outcome === 'failed').length, 1);
  });

  it('TDX: the QE identity, the TDX module and the TCB levels are recorded', async () => {
    const trace = new TraceCollector();
    const claims = await verifyEvidence(vector(TDX.quote), {}, context(TDX.collateral, TDX.at, { trace }));
    assert.equal(claims.tcbStatus, 'UpToDate');
    const steps = new Set(trace.entries.map((e) => e.step));
    for (const step of ['parse', 'quote-signature', 'qe-report', 'pck-chain', 'collateral-chain', 'crl', 'revocation', 'tcb-info', 'qe-identity', 'tdx-module', 'tcb-status']) assert.ok(steps.has(step as never), step);
    assert.ok(trace.entries.every((e) => e.outcome !== 'failed'));
  });

  it('SEV-SNP: collateral, the VCEK chain, the report signature and the bindings', async () => {
    const trace = new TraceCollector();
    await verifyEvidence(vector(SNP.report), {}, context(SNP.vek, SNP.at, { trace }));
    assert.deepEqual(outline(trace.entries), [
      'parse sev-snp-report passed',
      'collateral found passed',
      'vek-chain structure passed',
      'vek-chain SEV-Milan passed',
      'vek-chain SEV-VCEK passed',
      'report-signature signature passed',
      'revocation arkCrl noted',
      'tcb-binding reportedTcb passed',
      'chip-binding chipId passed',
      'report-data expected noted',
      'validity collateral noted',
    ]);
  });

  it('SEV-SNP, a flipped report bit: the report signature fails, the chain still passed', async () => {
    const report = vector(SNP.report).slice();
    report[0x50]! ^= 0x01;
    const trace = new TraceCollector();
    await assert.rejects(verifyEvidence(report, {}, context(SNP.vek, SNP.at, { trace })), (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'));
    assert.deepEqual(trace.entries.filter((e) => e.outcome === 'failed').map((e) => [e.step, e.code]), [['report-signature', 'ERR_EVIDENCE_SIGNATURE_INVALID']]);
    assert.equal(trace.entries.filter((e) => e.step === 'vek-chain' && e.outcome === 'passed').length, 3);
  });

  it('bytes of no known format: the parse step fails with ERR_EVIDENCE_MALFORMED', async () => {
    const trace = new TraceCollector();
    await assert.rejects(verifyEvidence(new Uint8Array(40), {}, { clock: fixedClock(at(SGX.at)), collateral: memoryCollateral([]), trace }), (e) => isConfideError(e, 'ERR_EVIDENCE_MALFORMED'));
    assert.deepEqual(trace.entries.map((e) => [e.step, e.outcome, e.code]), [['parse', 'failed', 'ERR_EVIDENCE_MALFORMED']]);
  });
});
