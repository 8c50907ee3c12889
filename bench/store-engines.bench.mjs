/**
 * The same work on the two storage engines, in one run: marble activation (the coordinator
 * service, simulated evidence, a fresh marble each time) and MAA attestation (POST
 * /attest/SgxEnclave through the server's app.inject, the vector quote, cached collateral), each
 * on PostgreSQL (ours) beside SQLite (peer column). The PostgreSQL server is test-kit's
 * throw-away cluster on 127.0.0.1 (CONFIDE_TEST_POSTGRES_URL to use another). Issue 11's target:
 * PostgreSQL at >= 70% of SQLite's rate on one replica. BENCH_STORE_ENGINES_WORK=activation (or
 * attest) measures only those rows, for an A/B of one of them.
 */
import { Buffer } from 'node:buffer';
import { attempt, describeError, measureWork } from './lib/harness.mjs';
import { cpuPerOp } from './lib/cpu-per-op.mjs';
import { postgresServerCpuMs } from './lib/postgres-cpu.mjs';
import { activationOf, calibrate, checkAnswer, poolSize } from './lib/activation-run.mjs';
import { benchManifest, benchSimulationKey, loadCoordinatorModules, SIM_MARBLE, startBenchCoordinator } from './lib/coordinator-setup.mjs';
import { startInProcess } from './lib/in-process-server.mjs';
import { makeMarbles, marblePool, simEvidenceMaker } from './lib/marble-pool.mjs';
import { printSkipped, printTable } from './lib/table.mjs';
import { freshSchema, testPostgres } from '@confide/test-kit/postgres';
import { missingVector, vector } from '@confide/test-kit/vectors';

const TITLE = 'Storage engines: PostgreSQL (ours) beside SQLite (peer), same work, same run';
const TARGET_SHARE = 0.7;
const QUOTE = 'sgx/phala-dcap-qvl/sgx_quote';
const COLLATERAL = 'sgx/phala-dcap-qvl/sgx_quote_collateral.json';
const MEASUREMENT = new Uint8Array(32).fill(0x5a);
const NO_FLOOR = { reason: 'none: this table compares engines (the floors are in the activation and attestation tables)' };
// CPU per operation: this many operations, 16 in flight, after the rows are measured (more of the
// short attestations: /proc counts CPU in 10 ms ticks).
const CPU_OPS = 128;
const ATTEST_CPU_OPS = 1024;
const CPU_IN_FLIGHT = 16;
// The rows to measure: both unless BENCH_STORE_ENGINES_WORK names some ("activation", "attest", comma-separated).
const WORK = (process.env.BENCH_STORE_ENGINES_WORK ?? 'activation,attest').split(',').map((w) => w.trim());

/**
 * "work: CPU per operation ..." for both engines: this process's CPU (process.cpuUsage) and, for
 * PostgreSQL, the server's (its processes in /proc, when it runs on this machine). Load-independent
 * where a rate is not: the machine is shared.
 */
async function cpuNote(work, ours, peer, pgUrl, ops = CPU_OPS) {
  const port = new URL(pgUrl).port;
  const before = postgresServerCpuMs(port);
  const oursMs = await cpuPerOp(ours, { ops, inFlight: CPU_IN_FLIGHT });
  const after = postgresServerCpuMs(port);
  const peerMs = await cpuPerOp(peer, { ops, inFlight: CPU_IN_FLIGHT });
  const serverMs = before === undefined || after === undefined ? undefined : (after - before) / ops;
  const server = serverMs === undefined ? 'the server\'s not measured (not on this machine)' : `+ ${serverMs.toFixed(2)} ms in the server = ${(oursMs + serverMs).toFixed(2)} ms`;
  return `${work}: CPU per operation (${ops} operations, ${CPU_IN_FLIGHT} in flight): SQLite ${peerMs.toFixed(2)} ms in this process; PostgreSQL ${oursMs.toFixed(2)} ms in this process ${server}`;
}

/** "PostgreSQL at N% of SQLite's rate" for each row both engines measured. */
function shareNotes(rows) {
  return rows
    .filter((r) => r.ours?.opsPerSec && r.peer?.opsPerSec)
    .map((r) => {
      const share = r.ours.opsPerSec / r.peer.opsPerSec;
      return `${r.work}, ${r.concurrency} in flight: PostgreSQL at ${(share * 100).toFixed(0)}% of SQLite's rate (target ${TARGET_SHARE * 100}%: ${share >= TARGET_SHARE ? 'met' : 'not met'})`;
    });
}

async function activationRows(mods, pgUrl, notes) {
  const simKey = await benchSimulationKey();
  const kind = { label: 'sim', tee: 'sim', marbleType: SIM_MARBLE, makeEvidence: simEvidenceMaker(mods.ev, simKey, MEASUREMENT) };
  const env = { manifest: benchManifest(Buffer.from(MEASUREMENT).toString('hex'), '11'.repeat(32)), simKey, collateral: mods.ev.emptyCollateral, trustAnchors: undefined, clock: mods.core.fixedClock(new Date()) };
  const sqlite = await startBenchCoordinator(mods, env);
  let postgres;
  try {
    postgres = await startBenchCoordinator(mods, env, () => mods.store.openPostgresStore(pgUrl, { schema: freshSchema() }));
    const rate = Math.max(await calibrate(sqlite.service, kind), await calibrate(postgres.service, kind));
    const impl = async (coord) => {
      const pool = marblePool(await makeMarbles(poolSize(rate), kind.makeEvidence));
      return { op: async () => checkAnswer(await coord.service.activate(activationOf(kind, pool.next()))) };
    };
    const rows = await measureWork('activation, sim, service', { ours: await impl(postgres), peer: await impl(sqlite), floor: NO_FLOOR });
    notes.push(`activation: store transactions retried on PostgreSQL: ${postgres.store.retries()}`);
    const sample = async (coord) => {
      const pool = marblePool(await makeMarbles(CPU_OPS, kind.makeEvidence));
      return async () => checkAnswer(await coord.service.activate(activationOf(kind, pool.next())));
    };
    notes.push(await cpuNote('activation', await sample(postgres), await sample(sqlite), pgUrl));
    return rows;
  } finally {
    await postgres?.close();
    await sqlite.close();
  }
}

async function attestRows(pgUrl, notes) {
  const missing = missingVector(QUOTE, COLLATERAL);
  if (missing) return measureWork('attest, SgxEnclave, app.inject', { ours: { reason: missing }, peer: { reason: missing }, floor: NO_FLOOR });
  const body = JSON.stringify({ quote: Buffer.from(vector(QUOTE)).toString('base64url') });
  const servers = [];
  try {
    const impl = async (flags) => {
      const s = await startInProcess(vector(COLLATERAL), flags);
      if (s.reason) return { reason: s.reason };
      servers.push(s);
      const op = async () => {
        const res = await s.inject({ method: 'POST', url: '/attest/SgxEnclave?api-version=2020-10-01', headers: { 'content-type': 'application/json' }, payload: body });
        if (res.statusCode !== 200 || !res.body.startsWith('{"token":"eyJ')) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 200)}`);
      };
      const probe = await attempt(op);
      return probe.ok ? { op } : { reason: probe.reason };
    };
    const impls = { ours: await impl({ store: `${pgUrl}?schema=${freshSchema()}` }), peer: await impl({}), floor: NO_FLOOR };
    const rows = await measureWork('attest, SgxEnclave, app.inject', impls);
    if (impls.ours.op && impls.peer.op) notes.push(await cpuNote('attest', impls.ours.op, impls.peer.op, pgUrl, ATTEST_CPU_OPS));
    return rows;
  } finally {
    for (const s of servers) await s.close();
  }
}

export async function main() {
  const pg = testPostgres();
  if (pg.skip) return printSkipped(TITLE, pg.skip);
  const mods = await loadCoordinatorModules();
  if (mods.reason) return printSkipped(TITLE, mods.reason);
  let url;
  try {
    url = await pg.url();
  } catch (err) {
    return printSkipped(TITLE, `cannot start PostgreSQL: ${describeError(err)}`);
  }
  const notes = [];
  try {
    const rows = [...(WORK.includes('activation') ? await activationRows(mods, url, notes) : []), ...(WORK.includes('attest') ? await attestRows(url, notes) : [])];
    printTable({
      title: TITLE,
      peerName: 'SQLite',
      rows,
      notes: [
        'ours: PostgreSQL (the server version the machine has, a throw-away cluster on 127.0.0.1 made by test-kit, fsync off as for tests, so the comparison is with SQLite\'s WAL at synchronous=NORMAL, which does not fsync each commit either), a pool of 10 connections and the audit chain\'s connection, a fresh schema per row; peer: SQLite, a file in a fresh data directory, as `confide serve` opens it',
        'activation: CoordinatorService.activate as the server builds it, a new marble each time (fresh UUID and P-256 key, simulated evidence bound to it), MaxActivations 0; its store transaction re-checks the state, counts MaxActivations, writes the sealed activation record and the signed audit entry',
        'attest: the server started in this process (startServer) with the vector quote\'s collateral in memory, POST /attest/SgxEnclave through app.inject, the same quote each time; the store is read for the policy and the signing key',
        ...shareNotes(rows),
        ...notes,
      ],
    });
  } finally {
    await pg.stop();
  }
}

await main();
