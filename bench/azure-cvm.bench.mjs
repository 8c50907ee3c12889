/**
 * Azure confidential VM evidence (SEV-SNP): the HCL report with its VCEK chain and the vTPM
 * quote, verified end to end, beside the floor of its signature checks and hashing, and the CPU
 * time one verification takes (every thread of the process, load-independent). No Azure CVM
 * verifier on npm takes this evidence (Trustee's and az-cvm-vtpm are Rust).
 */
import { loadOurs } from './lib/modules.mjs';
import { oursCounted, repeatTally } from './lib/repeats.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { azureCvmFloor } from './lib/azure-cvm-floor.mjs';
import { pemCertificates } from './lib/der.mjs';
import { cpuPerOp } from './lib/cpu-per-op.mjs';
import { missingVector, vector, vectorText } from '@confide/test-kit/vectors';

const TITLE = 'Azure CVM evidence (SEV-SNP HCL report + VCEK chain + vTPM quote)';
const DIR = 'azure/trustee-az-snp-vtpm';
const ASK_ARK = 'sev-snp/amd-roots-go-sev-guest/ask_ark_milan.pem';
const PINNED_AT = new Date('2026-06-01T00:00:00Z');
const NO_PEER = { reason: 'no Azure CVM verifier on npm' };
const CPU_SAMPLE_IN_FLIGHT = 16;

export async function main() {
  const skip = missingVector(`${DIR}/hcl-report.bin`, `${DIR}/vcek.pem`, `${DIR}/quote.bin`, ASK_ARK);
  if (skip) return printSkipped(TITLE, skip);
  const ours = await loadOurs('verifyAzureCvmEvidence', 'parseAzureCvmEvidence', 'parseVtpmQuoteBincode', 'parseHclReport');
  if (ours.reason) return printSkipped(TITLE, ours.reason);
  const { ev, core } = ours;
  const hcl = vector(`${DIR}/hcl-report.bin`);
  const chain = pemCertificates(vectorText(`${DIR}/vcek.pem`));
  const q = ev.parseVtpmQuoteBincode(vector(`${DIR}/quote.bin`));
  const parts = { hclReport: hcl, vekCertificates: chain, tpmQuote: { quote: q.message, signature: q.signature, pcrs: { sha256: q.pcrs } } };
  const ctx = { clock: core.fixedClock(PINNED_AT), collateral: ev.emptyCollateral, expectedNonce: core.utf8('challenge') };
  const op = async () => {
    const claims = await ev.verifyAzureCvmEvidence(ev.parseAzureCvmEvidence(parts), ctx);
    if (claims.tee !== 'azure-cvm') throw new Error(`claims for ${claims.tee}`);
  };
  const parsed = ev.parseHclReport(hcl);
  const floor = await azureCvmFloor({
    report: parsed.hardwareReport,
    vcek: chain[0],
    askArkPem: vectorText(ASK_ARK),
    runtimeData: parsed.runtimeData,
    quote: q.message,
    signature: q.signature,
    pcrs: q.pcrs,
  });
  const tally = repeatTally();
  await tally.add('HCL report + VCEK chain + vTPM quote', await oursCounted(op), floor, NO_PEER);
  const oursCpu = await cpuPerOp(op, { inFlight: CPU_SAMPLE_IN_FLIGHT });
  const floorCpu = floor.impl.op ? await cpuPerOp(floor.impl.op, { inFlight: CPU_SAMPLE_IN_FLIGHT }) : undefined;
  printTable({
    title: TITLE,
    peerName: 'none',
    rows: tally.rows,
    notes: [
      tally.floorNote('all at once'),
      tally.repeatNote({ remembered: 'certificate links', unit: 'report', adds: "a new host's VCEK would add one" }),
      `CPU time per verification with ${CPU_SAMPLE_IN_FLIGHT} in flight (every thread of the process, load-independent): ours ${oursCpu.toFixed(2)} ms` +
        (floorCpu === undefined ? '' : `, floor ${floorCpu.toFixed(2)} ms (${(oursCpu / floorCpu).toFixed(2)}×)`),
      'each operation parses the HCL report, the runtime data JSON and its JWKs, the SNP report, the quote and the certificates, checks the bindings (VMPL, runtime data hash, nonce, PCR digest, VCEK TCB and chip ID) and derives the claims; the floor only verifies and hashes',
    ],
  });
}

await main();
