/**
 * A small closed-loop timing harness: `concurrency` workers each issue one operation after
 * another for a fixed time, after a warm-up at the same concurrency. Time-bounded rather than
 * count-bounded, so that the whole benchmark stops by itself whatever the machine's speed; an
 * operation is always allowed to finish, so a slice lasts at least one operation per worker.
 */
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

function envNumber(name, fallback) {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function envList(name, fallback) {
  const list = (process.env[name] ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return list.length > 0 ? list : fallback;
}

/**
 * Measurement settings; BENCH_TIME_MS, BENCH_WARMUP_MS, BENCH_SERVER_WARMUP_MS, BENCH_ROUNDS and
 * BENCH_CONCURRENCY ("1,16") override them.
 */
export const settings = {
  timeMs: envNumber('BENCH_TIME_MS', 1000),
  warmupMs: envNumber('BENCH_WARMUP_MS', 250),
  // A server is measured as it runs for long: its first few thousand requests pay for V8's
  // compilation (on the server's other threads) and cost it and the client about 1.7× the CPU of
  // later ones, which a 250 ms warm-up leaves inside the measurement.
  serverWarmupMs: envNumber('BENCH_SERVER_WARMUP_MS', 3000),
  rounds: Math.max(1, Math.round(envNumber('BENCH_ROUNDS', 4))),
  concurrency: envList('BENCH_CONCURRENCY', [1, 16]),
};

// An operation that never settles must not hang the benchmark: give up this long after the deadline.
const STALL_MS = 10_000;

// Slow operations (tens of milliseconds) need more than a time slice to warm up their JIT paths.
const WARMUP_MIN_OPS = 8;

async function runFor(op, concurrency, ms, minOps = 0) {
  const start = performance.now();
  const deadline = start + ms;
  // A minimum count may stretch the time, never beyond 4x: the benchmark must stay bounded.
  const hardDeadline = start + 4 * ms;
  let ops = 0;
  let latency = 0;
  let failed = false;
  // Latency runs from the moment a worker is free to issue until its operation settles, so at
  // concurrency N it includes the wait for the CPU and the thread pool that the N-1 others cause.
  const worker = async () => {
    let ready = performance.now();
    while (!failed && (ready < deadline || (ops < minOps && ready < hardDeadline))) {
      try {
        await op();
      } catch (err) {
        // The other workers stop too, so that nothing keeps running into the next measurement.
        failed = true;
        throw err;
      }
      const done = performance.now();
      latency += done - ready;
      ops += 1;
      ready = done;
    }
  };
  let timer;
  const stalled = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`an operation did not settle within ${STALL_MS / 1000} s of the deadline`)), 4 * ms + STALL_MS);
  });
  try {
    await Promise.race([Promise.all(Array.from({ length: concurrency }, worker)), stalled]);
  } finally {
    clearTimeout(timer);
  }
  const elapsedMs = performance.now() - start;
  return summary(ops, elapsedMs, latency);
}

function summary(ops, elapsedMs, latency) {
  return { ops, elapsedMs, latency, opsPerSec: ops / (elapsedMs / 1000), meanMs: latency / ops };
}

/**
 * Warms `op` up, then runs it for `settings.timeMs` with `concurrency` operations in flight.
 * Returns { ops, elapsedMs, opsPerSec, meanMs }; rejects with the first error an operation throws.
 */
export async function measure(op, concurrency) {
  await runFor(op, concurrency, settings.warmupMs, WARMUP_MIN_OPS);
  return runFor(op, concurrency, settings.timeMs);
}

/**
 * Warms a server's request path once before its rows are measured: `op` for
 * `settings.serverWarmupMs` at the highest concurrency measured. Throws what `op` throws.
 */
export async function warmUpServer(op) {
  await runFor(op, Math.max(...settings.concurrency), settings.serverWarmupMs);
}

/** Runs `op` once: { ok: true, value } or { ok: false, reason } with the error's code and message. */
export async function attempt(op) {
  try {
    return { ok: true, value: await op() };
  } catch (err) {
    return { ok: false, reason: describeError(err) };
  }
}

/** One line for an error: "ERR_CODE: message" when it has a code. */
export function describeError(err) {
  if (err instanceof Error) return err.code ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}

/**
 * Measures every available implementation of one piece of work at each concurrency level.
 * `impls` maps a column ("ours", "peer", "floor") to { op } or { reason } (why it cannot run).
 * The measuring time is cut into `settings.rounds` slices taken in turn by each implementation,
 * so that a change in the load of a shared machine affects every column alike and the ratios
 * stay meaningful. Returns table rows; an implementation that fails shows the failure instead.
 * `levels` replaces the settings' concurrency levels (work whose point is many in flight).
 */
export async function measureWork(work, impls, levels = settings.concurrency) {
  const rows = [];
  const sliceMs = settings.timeMs / settings.rounds;
  for (const concurrency of levels) {
    const row = { work, concurrency };
    const running = new Map();
    for (const [column, impl] of Object.entries(impls)) {
      if (!impl) continue;
      if (impl.reason) row[column] = { note: impl.reason };
      else running.set(column, { op: impl.op, ops: 0, elapsedMs: 0, latency: 0 });
    }
    const fail = (column, err) => {
      row[column] = { note: `failed while measured: ${describeError(err)}` };
      running.delete(column);
    };
    for (const [column, r] of running) await runFor(r.op, concurrency, settings.warmupMs, WARMUP_MIN_OPS).catch((err) => fail(column, err));
    for (let round = 0; round < settings.rounds; round++) {
      for (const [column, r] of running) {
        try {
          const s = await runFor(r.op, concurrency, sliceMs);
          r.ops += s.ops;
          r.elapsedMs += s.elapsedMs;
          r.latency += s.latency;
        } catch (err) {
          fail(column, err);
        }
      }
    }
    for (const [column, r] of running) row[column] = summary(r.ops, r.elapsedMs, r.latency);
    rows.push(row);
  }
  return rows;
}
