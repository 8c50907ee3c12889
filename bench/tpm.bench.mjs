/**
 * TPM 2.0 verification of a GCE COS 85 attestation: three RSASSA quotes (SHA-1, SHA-256 and
 * SHA-384 banks), the AK certificate chain and the event log replayed in three banks, beside the
 * floor of its signature checks and replay hashing. No TPM verifier on npm takes this evidence
 * (go-tpm-tools and Trustee's are Go and Rust).
 */
import { loadOurs } from './lib/modules.mjs';
import { oursCounted, repeatTally } from './lib/repeats.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { tpmFloor } from './lib/tpm-floor.mjs';
import { missingVector, vector, vectorText } from '@confide/test-kit/vectors';

const TITLE = 'TPM 2.0 quotes and event log replay (GCE vTPM)';
const DIR = 'tpm/google-go-tpm-tools';
const DECODED = `${DIR}/decoded-gce-cos-85-nonce9009`;
const ROOT = `${DIR}/tpm_ek_root_1.cer`;
const PINNED_AT = new Date('2026-06-01T00:00:00Z');
const NO_PEER = { reason: 'no TPM quote verifier on npm' };

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

export async function main() {
  const skip = missingVector(`${DECODED}/decoded.json`, ROOT);
  if (skip) return printSkipped(TITLE, skip);
  const ours = await loadOurs('verifyTpmEvidence', 'parseTpmEvidence');
  const tally = repeatTally();
  const parts = gceParts();
  const root = vector(ROOT);
  const run = async (op) => (ours.reason ? { impl: { reason: ours.reason } } : oursCounted(op));
  const ctx = () => ({ clock: ours.core.fixedClock(PINNED_AT), collateral: ours.ev.emptyCollateral, trustAnchors: { tpmRoots: [root] } });

  await tally.add(
    '3 quotes + chain + event log',
    await run(async () => {
      const claims = await ours.ev.verifyTpmEvidence(ours.ev.parseTpmEvidence(parts), ctx());
      if (claims.tpm.eventLog.replayed.sha256.length !== 10) throw new Error('the replay did not cover PCR 0-9');
    }),
    await tpmFloor(parts, root),
    NO_PEER,
  );
  printTable({
    title: TITLE,
    peerName: 'none',
    rows: tally.rows,
    notes: [
      tally.floorNote('(3 quotes by the AK, 2 chain links, on WebCrypto\'s threads; meanwhile the replay, one node:crypto digest per event per bank, each extend waiting for the previous one of its PCR, and one PCR digest per quote)'),
      tally.repeatNote({
        remembered: 'the AK chain links',
        unit: 'verification',
        adds: 'the quotes, PCR digests and the whole replay are checked every time, and a new AK certificate costs its links once',
      }),
      "each operation parses the quotes, AK, certificates and log, replays it per bank (every extend, every time), checks the event data behind the claims and derives them; the floor only verifies and hashes. The event data digests behind the claims (not in the floor) are remembered by bank and exact bytes, so a log seen before costs only its replay",
    ],
  });
}

await main();
