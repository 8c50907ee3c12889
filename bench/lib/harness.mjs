/**
 * A small closed-loop timing harness: `concurrency` workers each issue one operation after
 * another for a fixed time, after a warm-up at the same concurrency. Time-bounded rather than
 * count-bounded, so that the whole benchmark stops by itself whatever the machine's speed.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

function envNumber(name, fallback) {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function envList(name, fallback) {
  const list = (process.env[name] ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return list.length > 0 ? list : fallback;
}

/** Measurement settings; BENCH_TIME_MS, BENCH_WARMUP_MS and BENCH_CONCURRENCY (e.g. "1,16") override them. */
export const settings = {
  timeMs: envNumber('BENCH_TIME_MS', 1000),
  warmupMs: envNumber('BENCH_WARMUP_MS', 250),
  concurrency: envList('BENCH_CONCURRENCY', [1, 16]),
};

// An operation that never settles must not hang the benchmark: give up this long after the deadline.
const STALL_MS = 10_000;

// Slow operations (tens of milliseconds) need more than a time slice to warm up their JIT paths.
const WARMUP_MIN_OPS = 8;

async function runFor(op, concurrency, ms, minOps = 0) {
  const start = performance.now();
  // A minimum count may stretch the time, but never beyond 4x: the benchmark must stay bounded.
  const deadline = start + ms;
  const hardDeadline = start + 4 * ms;
  let ops = 0;
  let latency = 0;
  // Latency runs from the moment a worker is free to issue until its operation settles, so at
  // concurrency N it includes the wait for the CPU and the thread pool that the N-1 others cause.
  const worker = async () => {
    let ready = performance.now();
    while (ready < deadline || (ops < minOps && ready < hardDeadline)) {
      await op();
      const done = performance.now();
      latency += done - ready;
      ops += 1;
      ready = done;
    }
  };
  const stall = new AbortController();
  const stalled = sleep(4 * ms + STALL_MS, undefined, { signal: stall.signal }).then(
    () => {
      throw new Error(`an operation did not settle within ${STALL_MS / 1000} s of the deadline`);
    },
    () => undefined,
  );
  try {
    await Promise.race([Promise.all(Array.from({ length: concurrency }, worker)), stalled]);
  } finally {
    stall.abort();
  }
  const elapsedMs = performance.now() - start;
  return { ops, elapsedMs, opsPerSec: ops / (elapsedMs / 1000), meanMs: latency / ops };
}

/**
 * Warms `op` up, then runs it for `settings.timeMs` with `concurrency` operations in flight.
 * Returns { ops, elapsedMs, opsPerSec, meanMs }; rejects with the first error an operation throws.
 */
export async function measure(op, concurrency) {
  await runFor(op, concurrency, settings.warmupMs, WARMUP_MIN_OPS);
  return runFor(op, concurrency, settings.timeMs);
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
 * Returns table rows; an implementation that fails while measured shows the failure instead.
 */
export async function measureWork(work, impls) {
  const rows = [];
  for (const concurrency of settings.concurrency) {
    const row = { work, concurrency };
    for (const [column, impl] of Object.entries(impls)) {
      if (!impl) continue;
      if (impl.reason) {
        row[column] = { note: impl.reason };
        continue;
      }
      try {
        row[column] = await measure(impl.op, concurrency);
      } catch (err) {
        row[column] = { note: `failed while measured: ${describeError(err)}` };
      }
    }
    rows.push(row);
  }
  return rows;
}
