/**
 * NVIDIA GPU and NVSwitch report verification with the device chain at hand: ours (one H100
 * report; a PPCIe set of eight H100s as one batch) beside the floor of the raw signature checks.
 * No NVIDIA verifier is published on npm (NVIDIA's and Trustee's are Python and Rust).
 */
import { Buffer } from 'node:buffer';
import { nvidiaChecks } from './lib/nvidia-floor.mjs';
import { pemCertificates } from './lib/der.mjs';
import { loadOurs } from './lib/modules.mjs';
import { floorOf, oursCounted, repeatTally } from './lib/repeats.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { missingVector, vector, vectorText } from '@confide/test-kit/vectors';

const TITLE = 'NVIDIA device reports, device chain at hand';
const PINNED_AT = new Date('2025-06-01T00:00:00Z');
const H100 = 'nvidia/nvtrust/hopperAttestationReport.txt';
const H100_CHAIN = 'nvidia/nvtrust/hopperCertChain.txt';
const PPCIE = 'nvidia/nvtrust/ppcie_gpu_evidence.json';
const NO_PEER = { reason: 'no NVIDIA verifier on npm' };

function devicesOf(entries) {
  return entries.map((e) => ({ report: new Uint8Array(Buffer.from(e.evidence, 'base64')), chain: pemCertificates(Buffer.from(e.certificate, 'base64').toString('latin1')) }));
}

export async function main() {
  const skip = missingVector(H100, H100_CHAIN, PPCIE);
  if (skip) return printSkipped(TITLE, skip);
  const ours = await loadOurs('verifyEvidence', 'verifyNvidiaEvidenceList');
  const tally = repeatTally();
  const h100 = { report: new Uint8Array(Buffer.from(vectorText(H100).trim(), 'hex')), chain: pemCertificates(vectorText(H100_CHAIN)) };
  const ppcieBytes = vector(PPCIE);
  const ppcie = devicesOf(JSON.parse(Buffer.from(ppcieBytes).toString('utf8')));
  const run = async (op) => (ours.reason ? { impl: { reason: ours.reason } } : oursCounted(op));
  const ctx = () => ({ clock: ours.core.fixedClock(PINNED_AT), collateral: ours.ev.emptyCollateral });

  await tally.add(
    'H100 report',
    await run(async () => {
      const claims = await ours.ev.verifyEvidence(h100.report, { tee: 'nvidia' }, { ...ctx(), deviceCertificates: h100.chain });
      if (claims.tee !== 'nvidia') throw new Error(`claims for ${claims.tee}`);
    }),
    await floorOf(() => nvidiaChecks([h100])),
    NO_PEER,
  );
  await tally.add(
    'PPCIe set, 8 H100s',
    await run(async () => {
      const all = await ours.ev.verifyNvidiaEvidenceList(ppcieBytes, ctx());
      if (all.length !== 8) throw new Error(`${all.length} devices`);
    }),
    await floorOf(() => nvidiaChecks(ppcie)),
    NO_PEER,
  );
  printTable({
    title: TITLE,
    peerName: 'none',
    rows: tally.rows,
    notes: [
      tally.floorNote('for the set (8 reports, 8 leaves, 8 BROM certificates, and the two links every device shares, once; the single report needs 5: report, leaf, BROM and two links), all at once'),
      tally.repeatNote({ remembered: 'certificate links', unit: 'report', adds: "a new device's leaf and BROM certificates would add two per device" }),
      'each operation parses the reports (and for the set the JSON and the PEM chains) and derives the claims; the floor only verifies signatures',
    ],
  });
}

await main();
