/**
 * AMD SEV-SNP report verification with the VCEK at hand: ours (snpVerifier), @tinfoilsh/verifier
 * on the report it supports (Genoa, VCEK), and the floor of raw signature checks one
 * verification needs.
 */
import { attempt, describeError } from './lib/harness.mjs';
import { snpChecks } from './lib/snp-floor.mjs';
import { importInternal, installedVersion, loadOurs } from './lib/modules.mjs';
import { floorOf, oursCounted, repeatTally } from './lib/repeats.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { missingVector, vector, vectorText } from '@confide/test-kit/vectors';

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
    askArk: 'sev-snp/amd-roots-go-sev-guest/ask_ark_genoa.pem',
  },
  // Tinfoil assumes every v2 report is Genoa: this row shows why it cannot run on Milan.
  {
    name: 'SNP Milan v2 (GCE)',
    report: 'sev-snp/google-go-sev-guest/attestation.bin',
    offset: 0,
    vcek: 'sev-snp/google-go-sev-guest/vcek.der',
    askArk: 'sev-snp/amd-roots-go-sev-guest/ask_ark_milan.pem',
  },
];

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
  if (ours.reason) return { impl: { reason: ours.reason } };
  const { ev, core } = ours;
  const ctx = { clock: core.fixedClock(PINNED_AT), collateral: ev.memoryCollateral([{ kind: 'certificate', der: vcek }]) };
  const op = async () => {
    const claims = await ev.snpVerifier.verify(ev.snpVerifier.parse(bytes), ctx);
    if (claims.tee !== 'sev-snp') throw new Error(`claims for ${claims.tee}`);
  };
  return oursCounted(op);
}

function floorFor(work, bytes, vcek) {
  return floorOf(() => snpChecks(bytes, vcek, vectorText(work.askArk)));
}

const SNP_REPEATS = { remembered: 'certificate links', unit: 'report', adds: "a new host's VCEK would add one" };

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
  const skip = missingVector(...WORKS.flatMap((w) => [w.report, w.vcek, w.askArk]));
  if (skip) return printSkipped(TITLE, skip);
  const [ours, peer] = await Promise.all([loadOurs('snpVerifier', 'memoryCollateral'), loadPeer()]);
  const peerName = `tinfoil ${installedVersion(TINFOIL) ?? '(absent)'}`;
  const tally = repeatTally();
  for (const work of WORKS) {
    const bytes = vector(work.report).slice(work.offset, work.offset + SNP_REPORT_SIZE);
    const vcek = vector(work.vcek);
    await tally.add(work.name, await oursImpl(ours, bytes, vcek), await floorFor(work, bytes, vcek), await peerImpl(peer, bytes, vcek));
  }
  printTable({
    title: TITLE,
    peerName,
    rows: tally.rows,
    notes: [
      tally.floorNote("per report, all at once: report by VCEK, VCEK by ASK, ASK by ARK (a pinned ARK's self-signature adds nothing; tinfoil checks it, one signature after another)"),
      tally.repeatNote(SNP_REPEATS),
      'each operation parses the report and the VCEK and checks the TCB and chip ID bindings; ours also derives the claims; tinfoil (its internal modules, no policy minima) also re-parses its built-in ARK and ASK',
    ],
  });
}

await main();
