/**
 * The step trace (ctx.trace) of the TPM and Azure CVM verifiers on real vectors: every quote
 * signature, PCR digest, the nonce, each AK chain link and the root pin, the event-log replay per
 * bank, in the order the verifier makes them; a flipped bit fails the right step with its code
 * while the steps before it show passed, and nothing after it runs. The claims are the same with
 * a trace as without.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConfideError, type ErrorCode } from '@confide/core';
import { parseTpmEvidence, TraceCollector, verifyEvidence, verifyTpmEvidence, type TpmEvidenceParts, type TraceEntry } from '../src/index.js';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { flipBit } from '@confide/test-kit/amd-pki';
import { findEvent, gceParts, tpmContext } from './tpm-support.js';
import { SNP_DIR, TDX_DIR, snpContext, tdxContext } from './azure-cvm-support.js';

/** Step, check and outcome of each entry, in order. */
const outline = (entries: TraceEntry[]): string[] => entries.map((e) => `${e.step} ${e.check} ${e.outcome}`);
const ROOT_CN = /^tpm_ek_v1_cloud_host_root-signer/;

async function tracedFailure(parts: TpmEvidenceParts, code: ErrorCode): Promise<TraceEntry[]> {
  const trace = new TraceCollector();
  await assert.rejects(verifyTpmEvidence(parseTpmEvidence(parts), tpmContext({ trace })), (e) => isConfideError(e, code));
  return trace.entries;
}

const failures = (entries: TraceEntry[]): string[] => entries.filter((e) => e.outcome === 'failed').map((e) => `${e.step} ${e.check} ${e.code}`);

describe('TPM verifier step trace: GCE COS 85 (three quotes, AK chain, event log)', { skip: vectorsMissing }, () => {
  it('every step in order, each passed, and the claims unchanged', async () => {
    const trace = new TraceCollector();
    const claims = await verifyTpmEvidence(parseTpmEvidence(gceParts('nonce9009')), tpmContext({ trace, expectedNonce: new Uint8Array([0x90, 0x09]) }));
    assert.deepEqual(await verifyTpmEvidence(parseTpmEvidence(gceParts('nonce9009')), tpmContext({ expectedNonce: new Uint8Array([0x90, 0x09]) })), claims);
    const chain = claims.tpm.ak.chain!;
    assert.deepEqual(outline(trace.entries), [
      'quote-signature quote 1 passed',
      'quote-signature quote 2 passed',
      'quote-signature quote 3 passed',
      'quotes-agree quotes passed',
      'pcr-digest quote 1 passed',
      'pcr-digest quote 2 passed',
      'pcr-digest quote 3 passed',
      'nonce expectedNonce passed',
      'ak-chain akKey passed',
      'ak-chain akCertificate passed',
      `ak-chain ${chain[1]} passed`,
      'ak-chain root passed',
      'event-log sha1 passed',
      'event-log sha256 passed',
      'event-log sha384 passed',
      'validity akChain noted',
    ]);
    const detail = (step: string, check: string) => trace.entries.find((e) => e.step === step && e.check === check)!.detail;
    assert.equal(detail('pcr-digest', 'quote 2'), 'the PCR values given hash to the quoted PCR digest (sha256 PCR 0-23)');
    assert.equal(detail('ak-chain', 'root'), `"${chain[2]}" is a configured TPM root (trust anchors tpmRoots)`);
    assert.match(chain[2]!, ROOT_CN);
    assert.equal(detail('event-log', 'sha256'), 'the 45 events replay to the quoted PCRs 0-9');
  });

  it('without an expected nonce the extraData is noted; without a chain the AK is noted uncertified', async () => {
    const trace = new TraceCollector();
    await verifyTpmEvidence(parseTpmEvidence(gceParts('nonce9009', false)), tpmContext({ trace }));
    assert.equal(trace.entries.find((e) => e.step === 'nonce')?.outcome, 'noted');
    assert.deepEqual(outline(trace.entries.filter((e) => e.step === 'ak-chain')), ['ak-chain akCertificate noted']);
    assert.ok(!trace.entries.some((e) => e.step === 'validity'));
  });

  it('one bit of quote 2 flipped: its signature fails, quotes 1 and 3 keep their results, nothing after runs', async () => {
    const parts = gceParts('nonce9009');
    const quotes = parts.quotes.map((q, i) => (i === 1 ? { ...q, quote: flipBit(q.quote, q.quote.length - 3) } : q));
    const entries = await tracedFailure({ ...parts, quotes }, 'ERR_EVIDENCE_SIGNATURE_INVALID');
    assert.deepEqual(outline(entries), ['quote-signature quote 1 passed', 'quote-signature quote 2 failed', 'quote-signature quote 3 passed']);
    assert.deepEqual(failures(entries), ['quote-signature quote 2 ERR_EVIDENCE_SIGNATURE_INVALID']);
  });

  it('one bit of a SHA-256 PCR value flipped: quote 2\'s PCR digest fails after the signatures and quote 1 passed', async () => {
    const parts = gceParts('nonce9009');
    const pcrs = parts.pcrs as Record<string, Record<string, string>>;
    const sha256 = { ...pcrs['sha256']! };
    sha256['5'] = (sha256['5']![0] === '0' ? '1' : '0') + sha256['5']!.slice(1);
    const entries = await tracedFailure({ ...parts, pcrs: { ...pcrs, sha256 } }, 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.deepEqual(outline(entries).slice(-3), ['quotes-agree quotes passed', 'pcr-digest quote 1 passed', 'pcr-digest quote 2 failed']);
    assert.ok(entries.slice(0, -1).every((e) => e.outcome === 'passed'));
    assert.deepEqual(failures(entries), ['pcr-digest quote 2 ERR_EVIDENCE_BINDING_MISMATCH']);
  });

  it('a changed SHA-256 digest of a PCR 7 event: the SHA-1 replay passed, the SHA-256 one fails naming PCR 7', async () => {
    const parts = gceParts('nonce9009');
    const log = parts.eventLog!;
    const { offset } = findEvent(log, 7, 0x80000001, 1);
    const entries = await tracedFailure({ ...parts, eventLog: flipBit(log, offset + 12 + 22 + 2 + 5) }, 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.deepEqual(outline(entries).slice(-3), ['ak-chain root passed', 'event-log sha1 passed', 'event-log sha256 failed']);
    assert.ok(entries.slice(0, -1).every((e) => e.outcome === 'passed' || (e.step === 'nonce' && e.outcome === 'noted')));
    assert.deepEqual(failures(entries), ['event-log sha256 ERR_EVIDENCE_BINDING_MISMATCH']);
    assert.match(entries.at(-1)!.detail, /replays sha256 PCR 7 to/);
  });

  it('a wrong expected nonce fails the nonce step after the PCR digests passed', async () => {
    const trace = new TraceCollector();
    await assert.rejects(verifyTpmEvidence(parseTpmEvidence(gceParts('nonce9009')), tpmContext({ trace, expectedNonce: new Uint8Array([0x90, 0x08]) })), (e) => isConfideError(e, 'ERR_EVIDENCE_BINDING_MISMATCH'));
    assert.deepEqual(outline(trace.entries).slice(-2), ['pcr-digest quote 3 passed', 'nonce nonce failed']);
    assert.deepEqual(failures(trace.entries), ['nonce nonce ERR_EVIDENCE_BINDING_MISMATCH']);
  });
});

describe('Azure CVM verifier step trace: the hardware report, the runtime data binding, then the vTPM quote', { skip: vectorsMissing }, () => {
  const TPM_STEPS = ['quote-signature quote 1 passed', 'pcr-digest quote 1 passed', 'nonce extraData noted', 'ak-chain akCertificate noted', 'event-log eventLog noted'];

  it('SEV-SNP: the SNP report\'s own steps, VMPL and runtime data, then the TPM steps; claims unchanged', async () => {
    const bytes = vector(`${SNP_DIR}/evidence-v1.json`);
    const trace = new TraceCollector();
    const claims = await verifyEvidence(bytes, {}, snpContext({ trace }));
    assert.deepEqual(await verifyEvidence(bytes, {}, snpContext()), claims);
    const steps = outline(trace.entries);
    assert.deepEqual(steps.slice(0, 4), ['parse azure-cvm-json passed', 'collateral found passed', 'vek-chain structure passed', 'vek-chain SEV-Milan passed']);
    assert.ok(steps.includes('report-signature signature passed'));
    const bound = steps.indexOf('runtime-data vmpl passed');
    assert.ok(bound > steps.indexOf('chip-binding chipId passed'));
    assert.deepEqual(steps.slice(bound), ['runtime-data vmpl passed', 'runtime-data runtimeData passed', ...TPM_STEPS]);
  });

  it('TDX: the TD quote\'s own steps, the TDREPORT and runtime data, then the TPM steps', async () => {
    const trace = new TraceCollector();
    await verifyEvidence(vector(`${TDX_DIR}/evidence-v1.json`), {}, tdxContext({ trace }));
    const steps = outline(trace.entries);
    assert.ok(steps.indexOf('quote-signature quoteSignature passed') < steps.indexOf('tcb-status combined noted'));
    const bound = steps.indexOf('runtime-data tdReport passed');
    assert.ok(bound > steps.indexOf('tcb-status combined noted'));
    assert.deepEqual(steps.slice(bound), ['runtime-data tdReport passed', 'runtime-data runtimeData passed', ...TPM_STEPS]);
  });

  it('SEV-SNP, one bit of the vTPM quote flipped: the hardware and binding steps passed, the TPM quote signature fails', async () => {
    const json = JSON.parse(new TextDecoder().decode(vector(`${SNP_DIR}/evidence-v1.json`))) as { tpm_quote: { signature: string } };
    const signature = json.tpm_quote.signature;
    json.tpm_quote.signature = signature.slice(0, -1) + (signature.at(-1) === '0' ? '1' : '0');
    const trace = new TraceCollector();
    await assert.rejects(verifyEvidence(new TextEncoder().encode(JSON.stringify(json)), {}, snpContext({ trace })), (e) => isConfideError(e, 'ERR_EVIDENCE_SIGNATURE_INVALID'));
    assert.deepEqual(failures(trace.entries), ['quote-signature quote 1 ERR_EVIDENCE_SIGNATURE_INVALID']);
    assert.ok(trace.entries.slice(0, -1).every((e) => e.outcome !== 'failed'));
    assert.deepEqual(outline(trace.entries).slice(-3), ['runtime-data vmpl passed', 'runtime-data runtimeData passed', 'quote-signature quote 1 failed']);
  });
});
