/**
 * MAA attestation over HTTPS: POST /attest/SgxEnclave to a `confide serve` process on 127.0.0.1
 * with the quote's collateral loaded from the vector file (cached in memory), on keep-alive
 * connections, against the floor of the same work: the quote's signature checks plus one RS256
 * token signature, issued at once. BENCH_ATTEST_PROFILE=<dir> runs the server under --cpu-prof
 * and prints where its time went.
 */
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { attempt, describeError, measureWork, settings, warmUpServer } from './lib/harness.mjs';
import { countAllVerifies, describeChecks } from './lib/floor.mjs';
import { intelChecks } from './lib/intel-floor.mjs';
import { attestFloorImpl } from './lib/attest-floor.mjs';
import { httpsClient } from './lib/https-client.mjs';
import { startInProcess } from './lib/in-process-server.mjs';
import { loadOurs } from './lib/modules.mjs';
import { startServe } from './lib/serve-process.mjs';
import { printProfile } from './lib/cpu-profile.mjs';
import { processCpu } from './lib/proc-cpu.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { missingVector, vector, vectorsDir, vectorText } from '@confide/test-kit/vectors';

const TITLE = 'MAA attestation over HTTPS (POST /attest/SgxEnclave), cached collateral';
const QUOTE = 'sgx/phala-dcap-qvl/sgx_quote';
const COLLATERAL = 'sgx/phala-dcap-qvl/sgx_quote_collateral.json';
const BIN = fileURLToPath(new URL('../packages/cli/dist/src/bin.js', import.meta.url));
/** Issue 15's target: at least 60% of the floor's throughput, that is ours/floor at most 1.67× in time (issue 4 asked for 50%). */
const TARGET_SHARE = 0.6;

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
// Operations for the CPU-time-per-operation figure of the floor.
const CPU_SAMPLE_OPS = 160;
const CPU_SAMPLE_IN_FLIGHT = 16;

/** CPU time of this whole process (every thread) per floor operation, in ms. */
async function floorCpuMs(op) {
  const before = process.cpuUsage();
  for (let done = 0; done < CPU_SAMPLE_OPS; done += CPU_SAMPLE_IN_FLIGHT) await Promise.all(Array.from({ length: CPU_SAMPLE_IN_FLIGHT }, op));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / CPU_SAMPLE_OPS;
}

/** "server CPU per request …" from /proc counters taken around the measurement, or undefined. */
function cpuNote(before, after, requests, floorMs) {
  if (!before || !after || requests === 0) return undefined;
  const main = (after.mainMs - before.mainMs) / requests;
  const other = (after.otherMs - before.otherMs) / requests;
  const floor = floorMs === undefined ? '' : `; the floor uses ${floorMs.toFixed(2)} ms of CPU per operation (every thread), so ours uses ${((main + other) / floorMs).toFixed(2)}× its CPU`;
  return `CPU time, load-independent: the server used ${(main + other).toFixed(2)} ms per request, ${main.toFixed(2)} ms on its main thread (one core at most) and ${other.toFixed(2)} ms on other threads (libuv's pool, where the crypto runs, and V8's GC and compiler threads)${floor}`;
}

function oursImpl(client, body) {
  const op = async () => {
    const res = await client.post('/attest/SgxEnclave?api-version=2020-10-01', body);
    // A token answer starts {"token":"eyJ…; anything else fails the measurement.
    if (res.status !== 200 || !res.body.startsWith('{"token":"eyJ')) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    return JSON.parse(res.body).token;
  };
  return op;
}

/** The same request through app.inject in this process; { op, verifies, close } or { reason, close }. */
async function injectImpl(body) {
  const inproc = await startInProcess(vector(COLLATERAL));
  if (inproc.reason) return { reason: inproc.reason, close: async () => {} };
  const op = async () => {
    const res = await inproc.inject({ method: 'POST', url: '/attest/SgxEnclave?api-version=2020-10-01', headers: { 'content-type': 'application/json' }, payload: body });
    if (res.statusCode !== 200 || !res.body.startsWith('{"token":"eyJ')) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 200)}`);
  };
  const first = await attempt(op);
  if (!first.ok) return { reason: first.reason, close: inproc.close };
  await warmUpServer(op);
  // In this process the server's checks can be counted: how many a repeated quote still makes.
  return { op, verifies: await countAllVerifies(op), close: inproc.close };
}

/** What the verifier still checks on a repeated quote, from the count on app.inject. */
function repeatNote(verifies, floorChecks) {
  const floor = floorChecks === undefined ? '' : `, where the floor makes all ${floorChecks} + the signature`;
  const counted =
    verifies === undefined
      ? 'not counted (app.inject did not run)'
      : `${verifies} ECDSA check${verifies === 1 ? '' : 's'} (counted on app.inject: crypto.subtle and node:crypto verify calls) + the RS256 token signature${floor}`;
  return `the verifier remembers the signatures that verified, by their exact bytes (certificates, CRLs, the QE report, TCB Info and QE Identity; see the Intel benchmark): a repeated quote makes ${counted}`;
}

function shareNotes(rows) {
  return rows
    .filter((r) => r.ours?.opsPerSec && r.floor?.opsPerSec)
    .map((r) => {
      const share = r.ours.opsPerSec / r.floor.opsPerSec;
      const verdict = share >= TARGET_SHARE ? 'meets' : 'misses';
      return `${r.work}, ${r.concurrency} in flight: ours runs at ${(share * 100).toFixed(0)}% of the floor's throughput; ${verdict} the target of ${TARGET_SHARE * 100}%`;
    });
}

export async function main() {
  const skip = missingVector(QUOTE, COLLATERAL) ?? (existsSync(BIN) ? undefined : `${BIN} not built (run npm run build)`);
  if (skip) return printSkipped(TITLE, skip);
  const ours = await loadOurs('parseIntelQuote');
  const profileDir = process.env.BENCH_ATTEST_PROFILE;
  const quote = vector(QUOTE);
  const body = JSON.stringify({ quote: b64url(quote) });

  let server;
  try {
    server = await startServe(['--collateral', `${vectorsDir}/${COLLATERAL}`], { nodeFlags: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [] });
  } catch (err) {
    return printSkipped(TITLE, `cannot start confide serve: ${describeError(err)}`);
  }
  const client = httpsClient(server.url, server.ca);
  let profile;
  try {
    const op = oursImpl(client, body);
    const first = await attempt(op);
    if (first.ok) await warmUpServer(op);
    const oursColumn = first.ok ? { op } : { reason: first.reason };
    let floor = { reason: 'needs a token from the server (to sign input of the same size) and our quote parser' };
    let kinds = '';
    let floorChecks;
    if (first.ok && !ours.reason) {
      try {
        const checks = intelChecks(ours.ev.parseIntelQuote(quote), JSON.parse(vectorText(COLLATERAL)));
        kinds = `${describeChecks(checks)} + 1 × RSASSA-PKCS1-v1_5 2048/SHA-256 signature`;
        floorChecks = checks.length;
        const [h, p] = first.value.split('.');
        floor = await attestFloorImpl(checks, `${h}.${p}`);
      } catch (err) {
        floor = { reason: describeError(err) };
      }
    }
    const sinceMicros = Number(process.hrtime.bigint() / 1000n);
    const requestsBefore = client.requests();
    const cpuBefore = processCpu(server.pid);
    const peer = { reason: 'no other MAA-compatible server runs offline (Microsoft Azure Attestation is a cloud service)' };
    const rows = await measureWork('SGX quote v3, HTTPS', { ours: oursColumn, peer, floor });
    const cpuAfter = processCpu(server.pid);
    const served = client.requests() - requestsBefore;
    // The same work without socket, TLS and HTTP parsing: what the service itself costs.
    const injected = await injectImpl(body);
    const repeats = repeatNote(injected.verifies, floorChecks);
    try {
      rows.push(...(await measureWork('SGX quote v3, app.inject', { ours: injected.op ? { op: injected.op } : { reason: injected.reason }, peer, floor })));
    } finally {
      await injected.close();
    }
    const floorMs = floor.op ? await floorCpuMs(floor.op) : undefined;
    const cpu = cpuNote(cpuBefore, cpuAfter, served, floorMs);
    printTable({
      title: TITLE,
      peerName: 'peer',
      rows,
      notes: [
        `ours: a separate \`confide serve\` process (dev mode, local CA, SQLite store), the Phala SGX quote as {"quote": base64url}, the collateral file loaded at start; ${settings.concurrency.join(' and ')} requests in flight on keep-alive HTTPS connections (node:https Agent), each answer checked for status 200 and a token; the server is first warmed for ${settings.serverWarmupMs / 1000} s at ${Math.max(...settings.concurrency)} in flight, as a long-running server is`,
        'ours, app.inject: the same server built in the benchmark process (startServer, collateral in memory) and the same request through fastify\'s inject: no socket, TLS or HTTP parsing',
        `floor: ${kinds || 'not built'}, all at once through crypto.subtle in the benchmark process`,
        'the server verifies at the system clock: the 2025 collateral is past its nextUpdate, which only sets x-confide-collateral-expired',
        repeats,
        'client, server and the thread pool share the machine\'s cores; the client\'s TLS and JSON work is counted in ours and absent from the floor',
        ...shareNotes(rows),
        ...(cpu ? [cpu] : []),
      ],
    });
    profile = { sinceMicros, requests: client.requests() - requestsBefore + 1 };
  } finally {
    client.close();
    const code = await server.stop();
    if (code !== 0) console.log(`\nconfide serve exited with ${code}`);
  }
  if (profileDir && profile) await printProfile(profileDir, profile);
}

await main();
