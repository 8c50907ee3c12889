/**
 * What the key vault benchmarks share: a dev-mode `confide serve` with a client whose bearer
 * token dev mode accepts with every role, the server's CPU time per request it served while a
 * measurement ran, and one row measured beside its floor with both CPU figures.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuPerOp } from './cpu-per-op.mjs';
import { describeError, measure, measureWork, settings, warmUpServer } from './harness.mjs';
import { httpsClient } from './https-client.mjs';
import { startNoop } from './noop-server-process.mjs';
import { processCpu } from './proc-cpu.mjs';
import { startServe } from './serve-process.mjs';
import { printSkipped } from './table.mjs';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/src/bin.js', import.meta.url));

/** { server, client } of a fresh dev-mode server started with `args`, or undefined after printing why `title` is skipped. */
export async function startVaultServe(title, args = []) {
  if (!existsSync(BIN)) return printSkipped(title, `${BIN} not built (run npm run build)`);
  try {
    const server = await startServe(args);
    return { server, client: httpsClient(server.url, server.ca, { authorization: 'Bearer bench' }) };
  } catch (err) {
    return printSkipped(title, `cannot start confide serve: ${describeError(err)}`);
  }
}

/** Runs `work`; then the server's CPU per request served meanwhile ({ totalMs, mainMs, served }), undefined where /proc is unreadable. */
export async function servedCpu({ server, client }, work) {
  const before = processCpu(server.pid);
  const served0 = client.requests();
  await work();
  const after = processCpu(server.pid);
  const served = client.requests() - served0;
  if (!before || !after || served === 0) return undefined;
  return { totalMs: (after.mainMs + after.otherMs - before.mainMs - before.otherMs) / served, mainMs: (after.mainMs - before.mainMs) / served, served };
}

/**
 * Measures `work` (ours: `op`, whose first run gave `first`, after warming the server with it) beside `floorOp`, then the floor's
 * CPU per operation over `cpuOps` at 16 in flight. { rows, note }: the note compares the
 * server's CPU per `unit` with the floor's, undefined where /proc is unreadable.
 */
export async function measureAgainstFloor(vault, { work, op, first, floorOp, peer, cpuOps, unit }) {
  const rows = [];
  if (first.ok) await warmUpServer(op);
  const cpu = await servedCpu(vault, async () => rows.push(...(await measureWork(work, { ours: first.ok ? { op } : { reason: first.reason }, peer, floor: { op: floorOp } }))));
  const floorMs = await cpuPerOp(floorOp, { ops: cpuOps, inFlight: 16 });
  const note = cpu
    ? `server CPU ${cpu.totalMs.toFixed(3)} ms per ${unit} (main thread ${cpu.mainMs.toFixed(3)} ms) over ${cpu.served} requests; floor ${floorMs.toFixed(3)} ms of CPU per ${unit} (${(cpu.totalMs / floorMs).toFixed(2)}×)`
    : undefined;
  return { rows, note };
}

/**
 * What any request of the kind can reach on this machine: `body` through the same client to a
 * `route` ("sign", "release") that does nothing (noop-server.mjs), at the highest concurrency
 * measured, beside half of each floor in `rows` (the target). A note for the table.
 */
export async function ceilingNote(rows, { route, body }) {
  const level = Math.max(...settings.concurrency);
  let noop;
  let client;
  try {
    noop = await startNoop();
    client = httpsClient(noop.url, noop.ca, { authorization: 'Bearer bench' });
    const op = async () => {
      const res = await client.post(`/keys/noop/1/${route}?api-version=7.6`, body);
      if (res.status !== 200) throw new Error(`no-op ${route}: ${res.status} ${res.body}`);
    };
    await warmUpServer(op);
    const { opsPerSec } = await measure(op, level);
    const halves = rows
      .filter((r) => r.concurrency === level && r.floor?.opsPerSec)
      .map((r) => `${r.work} ${Math.round(r.floor.opsPerSec / 2).toLocaleString('en-US')}/s`)
      .join(', ');
    return `ceiling: a ${route} route that does nothing (Confide's own app and TLS in its own process, no key, no crypto) answers ${Math.round(opsPerSec).toLocaleString('en-US')}/s at ${level} in flight through the same client; the target asks for half of each floor: ${halves}`;
  } catch (err) {
    return `ceiling: not measured (${describeError(err)})`;
  } finally {
    client?.close();
    await noop?.stop();
  }
}
