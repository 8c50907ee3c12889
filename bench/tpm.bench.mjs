/**
 * TPM 2.0 verification of a GCE COS 85 attestation: three RSASSA quotes (SHA-1, SHA-256 and
 * SHA-384 banks), the AK certificate chain and the event log replayed in three banks, beside the
 * floor of its signature checks and replay hashing, and the CPU time one verification takes
 * (every thread of the process, load-independent). Ours runs as the server runs it, with
 * node:crypto's primitives (VerifyContext.crypto), and as a browser runs it (WebCrypto and
 * @noble/hashes). No TPM verifier on npm takes this evidence (go-tpm-tools and Trustee's are Go
 * and Rust).
 */
import { loadOurs } from './lib/modules.mjs';
import { oursCounted, repeatTally } from './lib/repeats.mjs';
import { countVerifies } from './lib/floor.mjs';
import { cpuPerOp } from './lib/cpu-per-op.mjs';
import { processCpu } from './lib/proc-cpu.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { tpmFloor } from './lib/tpm-floor.mjs';
import { missingVector, vector, vectorText } from '@confide/test-kit/vectors';

const TITLE = 'TPM 2.0 quotes and event log replay (GCE vTPM)';
const DIR = 'tpm/google-go-tpm-tools';
const DECODED = `${DIR}/decoded-gce-cos-85-nonce9009`;
const ROOT = `${DIR}/tpm_ek_root_1.cer`;
const PINNED_AT = new Date('2026-06-01T00:00:00Z');
const NO_PEER = { reason: 'no TPM quote verifier on npm' };
const CPU_SAMPLE = [1, 16];
/** Verifications per CPU sample: enough 10 ms ticks of /proc for the main thread's share. */
const CPU_SAMPLE_OPS = 512;
/** Verifications each column runs before anything is measured. */
const WARM_UP_OPS = 1000;

function gceParts() {
  const decoded = JSON.parse(vectorText(`${DECODED}/decoded.json`));
  return {
    quotes: decoded.quotes.map((q) => ({ quote: vector(`${DECODED}/${q.tpms_attest}`), signature: vector(`${DECODED}/${q.tpmt_signature}`) })),
    ak: vector(`${DECODED}/ak_pub.tpm2b_public_area.bin`),
    pcrs: Object.fromEntries(decoded.quotes.map((q) => [q.hash_alg, q.pcrs])),
    eventLog: vector(`${DECODED}/event_log.bin`),
    akCertificates: [vector(`${DECODED}/ak_cert.der`), vector(`${DIR}/tpm_ek_intermediate_2.crt`)],
  };
}

/**
 * The server's primitives, as its attestation service makes them (a check runs inline when no
 * other verification is in flight), with the signature checks they make counted here, at the
 * primitives, rather than by patching node:crypto's module exports for the whole process.
 */
async function serverPrimitives() {
  const { nodeVerifyCrypto } = await import('@confide/server');
  let active = 0;
  let checks = 0;
  const node = nodeVerifyCrypto({ inline: () => active <= 1 });
  return {
    crypto: {
      ...node,
      verifyP256: (...args) => ((checks += 1), node.verifyP256(...args)),
      verifyRsa: (...args) => ((checks += 1), node.verifyRsa(...args)),
    },
    /** The signature checks one run of `op` makes, on these primitives or WebCrypto. */
    count: async (op) => {
      checks = 0;
      const web = await countVerifies(op);
      return web + checks;
    },
    /** `op` counted as in flight while it runs. */
    tracked: (op) => async () => {
      active += 1;
      try {
        return await op();
      } finally {
        active -= 1;
      }
    },
  };
}

/** { all, main }: ms of process CPU per run of `op` (every thread), and of the main thread alone where Linux /proc tells it. */
async function cpuOf(op, inFlight) {
  const before = processCpu(process.pid);
  const all = await cpuPerOp(op, { ops: CPU_SAMPLE_OPS, inFlight });
  const after = processCpu(process.pid);
  return { all, main: before && after ? (after.mainMs - before.mainMs) / CPU_SAMPLE_OPS : undefined };
}

const ms = ({ all, main }) => `${all.toFixed(2)} ms` + (main === undefined ? '' : ` (main thread ${main.toFixed(2)})`);

/**
 * "1 in flight: ours 0.61 ms (main thread 0.45), floor 0.45 ms (main thread 0.22) (1.36×)" for
 * each sample. The main thread's share says what a 2-core machine's rate is bound by.
 */
async function cpuNote(name, op, floorOp) {
  const parts = [];
  for (const inFlight of CPU_SAMPLE) {
    const ours = await cpuOf(op, inFlight);
    const floor = floorOp ? await cpuOf(floorOp, inFlight) : undefined;
    parts.push(`${inFlight} in flight: ours ${ms(ours)}` + (floor === undefined ? '' : `, floor ${ms(floor)} (${(ours.all / floor.all).toFixed(2)}×)`));
  }
  return `CPU time per verification, ${name} (every thread of the process, load-independent): ${parts.join('; ')}`;
}

export async function main() {
  const skip = missingVector(`${DECODED}/decoded.json`, ROOT);
  if (skip) return printSkipped(TITLE, skip);
  const ours = await loadOurs('verifyTpmEvidence', 'parseTpmEvidence');
  if (ours.reason) return printSkipped(TITLE, ours.reason);
  const { ev, core } = ours;
  const tally = repeatTally();
  const parts = gceParts();
  const root = vector(ROOT);
  const server = await serverPrimitives();
  const verifyWith = (crypto) => async () => {
    const ctx = { clock: core.fixedClock(PINNED_AT), collateral: ev.emptyCollateral, trustAnchors: { tpmRoots: [root] }, ...(crypto ? { crypto } : {}) };
    const claims = await ev.verifyTpmEvidence(ev.parseTpmEvidence(parts), ctx);
    if (claims.tpm.eventLog.replayed.sha256.length !== 10) throw new Error('the replay did not cover PCR 0-9');
  };
  const onServer = server.tracked(verifyWith(server.crypto));
  const inBrowser = verifyWith(undefined);
  const floor = await tpmFloor(parts, root);
  // Steady state before the first row: the whole server was just imported, and the harness's
  // short warm-up per row left the first row measured while that settled (all three alike).
  for (const op of [onServer, inBrowser, floor.impl.op]) for (let i = 0; op && i < WARM_UP_OPS; i++) await op();

  await tally.add('3 quotes + chain + event log (server: node:crypto)', await oursCounted(onServer, server.count), floor, NO_PEER);
  await tally.add('same, as in a browser (WebCrypto, @noble/hashes)', await oursCounted(inBrowser), floor, NO_PEER);
  printTable({
    title: TITLE,
    peerName: 'none',
    rows: tally.rows,
    notes: [
      tally.floorNote("(3 quotes by the AK, 2 chain links, with node:crypto's verify on libuv's pool; meanwhile the replay, one node:crypto one-shot hash per event per bank, each extend waiting for the previous one of its PCR, and one PCR digest per quote)"),
      tally.repeatNote({
        remembered: 'the AK chain links',
        unit: 'verification',
        adds: 'the quotes, PCR digests and the whole replay are checked every time, and a new AK certificate costs its links once',
      }),
      'each operation parses the quotes, AK, certificates and log, replays it per bank (every extend, every time), checks the event data behind the claims and derives them; the floor only verifies and hashes. The event data digests behind the claims (not in the floor) are remembered by bank and exact bytes',
      floor.impl.op ? await cpuNote('server', onServer, floor.impl.op) : 'CPU time: the floor did not run',
    ],
  });
}

await main();
