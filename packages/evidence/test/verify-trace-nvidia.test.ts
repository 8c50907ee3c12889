/**
 * The NVIDIA verifier's step trace (ctx.trace) on the real H100 report (nvtrust): the chain found,
 * its structure and each link, the report signature, the nonce, the FWID binding, the measurements,
 * revocation and validity noted, in order; a flipped bit in the report fails its signature after
 * every link passed; one in a certificate fails that link while the other links keep their own
 * results; a wrong nonce fails the nonce step. The claims are the same with a trace as without.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedClock, fromHex, isConfideError, type ErrorCode } from '@confide/core';
import { emptyCollateral, nvidiaChainFromPem, TraceCollector, verifyEvidence, type TraceEntry, type VerifyContext } from '../src/index.js';
import { vectorText, vectorsMissing } from '@confide/test-kit/vectors';
import { flipBit } from '@confide/test-kit/amd-pki';

const NONCE = fromHex('931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb');
const report = (): Uint8Array => fromHex(vectorText('nvidia/nvtrust/hopperAttestationReport.txt').trim());
const chain = (): Uint8Array[] => nvidiaChainFromPem(vectorText('nvidia/nvtrust/hopperCertChain.txt'));

function context(extra: Partial<VerifyContext>): VerifyContext {
  return { clock: fixedClock(new Date('2025-06-01T00:00:00Z')), collateral: emptyCollateral, expectedNonce: NONCE, deviceCertificates: chain(), ...extra };
}

const outline = (entries: TraceEntry[]): string[] => entries.map((e) => `${e.step} ${e.check} ${e.outcome}`);
const failures = (entries: TraceEntry[]): string[] => entries.filter((e) => e.outcome === 'failed').map((e) => `${e.step} ${e.check} ${e.code}`);

async function tracedFailure(bytes: Uint8Array, extra: Partial<VerifyContext>, code: ErrorCode): Promise<TraceEntry[]> {
  const trace = new TraceCollector();
  await assert.rejects(verifyEvidence(bytes, {}, context({ trace, ...extra })), (e) => isConfideError(e, code));
  return trace.entries;
}

const LINKS = ['GH100 A01 GSP FMC LF', 'GH100 A01 GSP BROM', 'NVIDIA GH100 Provisioner ICA 1', 'NVIDIA GH100 Identity', 'NVIDIA Device Identity CA'];

describe('NVIDIA verifier step trace: H100 (nvtrust)', { skip: vectorsMissing ?? false }, () => {
  it('every step in order, each passed or noted, and the claims unchanged', async () => {
    const trace = new TraceCollector();
    const claims = await verifyEvidence(report(), {}, context({ trace }));
    assert.deepEqual(await verifyEvidence(report(), {}, context({})), claims);
    const links = trace.entries.filter((e) => e.step === 'device-chain' && e.check !== 'structure').map((e) => e.check);
    assert.deepEqual(outline(trace.entries), [
      'parse nvidia-spdm-report passed',
      'collateral deviceCertificates passed',
      'device-chain structure passed',
      ...links.map((cn) => `device-chain ${cn} passed`),
      'report-signature signature passed',
      'nonce expectedNonce passed',
      'fwid-binding fwid passed',
      'measurements blocks noted',
      'revocation ocsp noted',
      'validity deviceChain noted',
    ]);
    assert.deepEqual(links, LINKS);
  });

  it('one bit of the report signature flipped: the report signature fails after every link passed; nothing after runs', async () => {
    const bytes = report();
    const entries = await tracedFailure(flipBit(bytes, bytes.length - 2), {}, 'ERR_EVIDENCE_SIGNATURE_INVALID');
    assert.deepEqual(failures(entries), ['report-signature report-signature ERR_EVIDENCE_SIGNATURE_INVALID']);
    assert.equal(entries.filter((e) => e.step === 'device-chain' && e.outcome === 'passed').length, 6);
    assert.equal(entries.at(-1)!.step, 'report-signature');
  });

  it('one bit of an intermediate certificate\'s signature flipped: that link fails, the other links keep their results', async () => {
    const certs = chain();
    const provisioner = certs[2]!;
    certs[2] = flipBit(provisioner, provisioner.length - 2);
    const entries = await tracedFailure(report(), { deviceCertificates: certs }, 'ERR_EVIDENCE_SIGNATURE_INVALID');
    assert.deepEqual(failures(entries), [`device-chain ${LINKS[2]} ERR_EVIDENCE_SIGNATURE_INVALID`]);
    assert.equal(entries.filter((e) => e.step === 'device-chain' && e.outcome === 'passed').length, 5);
    assert.ok(!entries.some((e) => e.step === 'report-signature'));
  });

  it('a wrong expected nonce fails the nonce step after the report signature passed', async () => {
    const entries = await tracedFailure(report(), { expectedNonce: new Uint8Array(32) }, 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.deepEqual(outline(entries).slice(-2), ['report-signature signature passed', 'nonce nonce failed']);
    assert.deepEqual(failures(entries), ['nonce nonce ERR_EVIDENCE_BINDING_MISMATCH']);
  });
});
