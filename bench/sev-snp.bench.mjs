/**
 * AMD SEV-SNP report verification with the VCEK at hand: ours (snpVerifier), @tinfoilsh/verifier
 * on the report it supports (Genoa, VCEK), and the floor of raw signature checks one
 * verification needs.
 */
import { attempt, describeError, measureWork } from './lib/harness.mjs';
import { describeCalls, floorImpl, recordVerifies } from './lib/floor.mjs';
import { importInternal, installedVersion, loadOurs } from './lib/modules.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { missingVector, vector } from './lib/vectors.mjs';

const TITLE = 'AMD SEV-SNP report, VCEK at hand';
const TINFOIL = '@tinfoilsh/verifier';

/** Azure HCL report: 32-byte "HCLA" header, then the 1184-byte SNP report (vectors README). */
const HCL_SNP_OFFSET = 32;
const SNP_REPORT_SIZE = 1184;

// Inside every VCEK's validity; the tinfoil peer cannot be given a time and uses the real clock.
const PINNED_AT = new Date('2025-06-01T00:00:00Z');

const WORKS = [
  {
    name: 'SNP Genoa (Azure)',
    report: 'azure/trustee-az-snp-vtpm/extracted/evidence-genoa.hcl-report.bin',
    offset: HCL_SNP_OFFSET,
    vcek: 'azure/trustee-az-snp-vtpm/extracted/evidence-genoa.vcek.der',
  },
  // Tinfoil assumes every v2 report is Genoa: this row shows why it cannot run on Milan.
  {
    name: 'SNP Milan v2 (GCE)',
    report: 'sev-snp/google-go-sev-guest/attestation.bin',
    offset: 0,
    vcek: 'sev-snp/google-go-sev-guest/vcek.der',
  },
];

/**
 * Signature checks in one verification (verify-report.ts): the report by the VCEK (ECDSA P-384),
 * the VCEK by the ASK and the ASK by the ARK (RSA-PSS). The ARK is pinned by its bytes, so its
 * self-signature adds nothing; tinfoil checks it anyway (4 checks).
 */
const EXPECTED_CHECKS = 3;

async function loadPeer() {
  try {
    const [report, chain, verify, validation] = await Promise.all(
      ['report.js', 'cert-chain.js', 'verify.js', 'validation.js'].map((m) => importInternal(TINFOIL, `dist/sev/${m}`)),
    );
    return { Report: report.Report, CertificateChain: chain.CertificateChain, verifyAttestation: verify.verifyAttestation, validateReport: validation.validateReport };
  } catch (err) {
    return { reason: `${TINFOIL} internals cannot be loaded: ${describeError(err)}` };
  }
}

async function oursImpl(ours, bytes, vcek) {
  if (ours.reason) return { impl: { reason: ours.reason }, calls: [] };
  const { ev, core } = ours;
  const ctx = { clock: core.fixedClock(PINNED_AT), collateral: ev.memoryCollateral([{ kind: 'certificate', der: vcek }]) };
  const op = async () => {
    const claims = await ev.snpVerifier.verify(ev.snpVerifier.parse(bytes), ctx);
    if (claims.tee !== 'sev-snp') throw new Error(`claims for ${claims.tee}`);
  };
  let calls = [];
  const first = await attempt(async () => (calls = (await recordVerifies(op)).calls));
  return { impl: first.ok ? { op } : { reason: first.reason }, calls };
}

async function peerImpl(peer, bytes, vcek) {
  if (peer.reason) return { reason: peer.reason };
  const { Report, CertificateChain, verifyAttestation, validateReport } = peer;
  // No policy minima (its default policy rejects this report for TSME off): what remains is
  // what ours checks too, the chain, the signature and the VCEK's TCB and chip ID bindings.
  const op = async () => {
    const report = new Report(bytes);
    const chain = await CertificateChain.fromReport(report, vcek);
    await verifyAttestation(chain, report);
    validateReport(report, chain, {});
  };
  const first = await attempt(op);
  return first.ok ? { op } : { reason: first.reason };
}

export async function main() {
  const skip = missingVector(...WORKS.flatMap((w) => [w.report, w.vcek]));
  if (skip) return printSkipped(TITLE, skip);
  const [ours, peer] = await Promise.all([loadOurs('snpVerifier', 'memoryCollateral'), loadPeer()]);
  const peerName = `tinfoil ${installedVersion(TINFOIL) ?? '(absent)'}`;
  const rows = [];
  const floorKinds = new Set();
  for (const work of WORKS) {
    const bytes = vector(work.report).slice(work.offset, work.offset + SNP_REPORT_SIZE);
    const vcek = vector(work.vcek);
    const mine = await oursImpl(ours, bytes, vcek);
    const floor = mine.impl.reason ? { reason: 'needs our verifier to record its checks' } : await floorImpl(mine.calls, EXPECTED_CHECKS);
    if (mine.calls.length > 0) floorKinds.add(describeCalls(mine.calls));
    rows.push(...(await measureWork(work.name, { ours: mine.impl, peer: await peerImpl(peer, bytes, vcek), floor })));
  }
  printTable({
    title: TITLE,
    peerName,
    rows,
    notes: [
      `floor: ${[...floorKinds].join('; ') || `${EXPECTED_CHECKS} checks`} per report, all at once (report by VCEK, VCEK by ASK, ASK by ARK; the pinned ARK's self-signature is not needed)`,
      'each operation parses the report and the VCEK and checks the TCB and chip ID bindings; ours also derives the claims, tinfoil (internal modules, no policy minima) also re-parses its built-in ARK/ASK and checks the ARK self-signature, one signature after another',
    ],
  });
}

await main();
