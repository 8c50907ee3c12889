/**
 * Intel DCAP quote verification with cached collateral at the vectors' pinned times: ours
 * (verifyIntelQuote), @phala/dcap-qvl on the same quote and collateral JSON, and the floor of
 * raw ECDSA P-256 checks one verification needs.
 */
import { Buffer } from 'node:buffer';
import { attempt, describeError } from './lib/harness.mjs';
import { intelChecks } from './lib/intel-floor.mjs';
import { installedVersion, loadOurs } from './lib/modules.mjs';
import { floorOf, oursCounted, repeatTally } from './lib/repeats.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { missingVector, vector, vectorText } from '@confide/test-kit/vectors';

const TITLE = 'Intel DCAP quote, cached collateral';

/** Quotes with complete collateral, pinned times and the outcome both verifiers agree on (vectors README). */
const WORKS = [
  {
    name: 'SGX quote v3',
    quote: 'sgx/phala-dcap-qvl/sgx_quote',
    collateral: 'sgx/phala-dcap-qvl/sgx_quote_collateral.json',
    at: 1750334171,
    tcbStatus: 'ConfigurationAndSWHardeningNeeded',
  },
  {
    name: 'TDX quote v4',
    quote: 'tdx/phala-dcap-qvl/tdx_quote',
    collateral: 'tdx/phala-dcap-qvl/tdx_quote_collateral.json',
    at: 1750332747,
    tcbStatus: 'UpToDate',
  },
];

async function loadPeer() {
  try {
    const mod = await import('@phala/dcap-qvl');
    const verify = mod.verify ?? mod.default?.verify;
    return typeof verify === 'function' ? { verify } : { reason: '@phala/dcap-qvl exports no verify()' };
  } catch (err) {
    return { reason: `@phala/dcap-qvl is not installed: ${describeError(err)}` };
  }
}

async function oursImpl(ours, work, quote, json) {
  if (ours.reason) return { impl: { reason: ours.reason } };
  const { ev, core } = ours;
  let ctx;
  try {
    const collateral = ev.parseDcapQvlCollateral(json);
    ctx = { clock: core.fixedClock(new Date(work.at * 1000)), collateral: ev.memoryCollateral([{ kind: 'intel', collateral }]) };
  } catch (err) {
    return { impl: { reason: `collateral: ${describeError(err)}` } };
  }
  const op = async () => {
    const claims = await ev.verifyIntelQuote(quote, ctx);
    if (claims.tcbStatus !== work.tcbStatus) throw new Error(`tcbStatus ${claims.tcbStatus}, expected ${work.tcbStatus}`);
  };
  return oursCounted(op);
}

async function floorFor(ours, quote, json) {
  if (ours.reason) return { impl: { reason: 'needs our quote parser' } };
  return floorOf(() => intelChecks(ours.ev.parseIntelQuote(quote), JSON.parse(json)));
}

/** What ours remembers across verifications (lib/repeats.mjs). */
const INTEL_REPEATS = {
  remembered: 'the signatures of certificates, CRLs, the QE report, TCB Info and QE Identity',
  unit: 'quote',
  adds: "a new platform adds its PCK certificate and QE report (two checks), a new FMSPC its TCB Info (one more)",
};

async function peerImpl(peer, work, quote, json) {
  if (peer.reason) return { reason: peer.reason };
  const quoteBuf = Buffer.from(quote);
  const collateral = JSON.parse(json);
  // dcap-qvl verifies synchronously; wrapping it keeps the harness the same for every column.
  const op = async () => {
    const result = peer.verify(quoteBuf, collateral, work.at);
    if (result.status !== work.tcbStatus) throw new Error(`status ${result.status}, expected ${work.tcbStatus}`);
  };
  const first = await attempt(op);
  return first.ok ? { op } : { reason: first.reason };
}

export async function main() {
  const skip = missingVector(...WORKS.flatMap((w) => [w.quote, w.collateral]));
  if (skip) return printSkipped(TITLE, skip);
  const [ours, peer] = await Promise.all([loadOurs('verifyIntelQuote', 'parseIntelQuote', 'parseDcapQvlCollateral', 'memoryCollateral'), loadPeer()]);
  const peerName = `dcap-qvl ${installedVersion('@phala/dcap-qvl') ?? '(absent)'}`;
  const tally = repeatTally();
  for (const work of WORKS) {
    const quote = vector(work.quote);
    const json = vectorText(work.collateral);
    await tally.add(work.name, await oursImpl(ours, work, quote, json), await floorFor(ours, quote, json), await peerImpl(peer, work, quote, json));
  }
  printTable({
    title: TITLE,
    peerName,
    rows: tally.rows,
    notes: [
      tally.floorNote('per quote, all at once: quote, QE report, PCK certificate, PCK CA, root self-signature, TCB signing certificate, PCK CRL, Root CA CRL, TCB Info, QE Identity'),
      tally.repeatNote(INTEL_REPEATS),
      'collateral is parsed once per run (ours: parseDcapQvlCollateral + memoryCollateral; dcap-qvl: JSON.parse); each operation parses the quote, its PCK chain and the collateral\'s certificates and CRLs, and evaluates the TCB',
      'dcap-qvl verifies synchronously on node:crypto and does not check CRL signatures: with 16 in flight its operations still run one at a time on the main thread',
    ],
  });
}

await main();
