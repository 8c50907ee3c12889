/**
 * Activating pre-made marbles on a coordinator service, for the benchmarks: the request, the
 * answer check, a short calibration and the size of a marble pool for one measurement.
 */
import { performance } from 'node:perf_hooks';
import { settings } from './harness.mjs';
import { makeMarbles } from './marble-pool.mjs';

// Calibration: a few untimed activations (the first ones are cold), then activations timed once
// one after another and once all at once, to size the pools.
const CALIBRATE_WARMUP = 4;
const CALIBRATE_SERIAL = 8;
const CALIBRATE_PARALLEL = 16;
// The pools hold twice the activations the calibrated rate predicts (the measured rate is often
// higher, with a warmer JIT); an exhausted pool fails the measurement instead of reusing a marble.
const POOL_MARGIN = 2;

/** The service's activation request for marble `m` of `kind`. */
export function activationOf(kind, m) {
  return { marbleType: kind.marbleType, uuid: m.uuid, tee: kind.tee, evidence: m.evidence, clientCertificate: m.identity.der };
}

export function checkAnswer(out) {
  if (!out.certificate.startsWith('-----BEGIN CERTIFICATE-----') || Object.keys(out.parameters.files).length !== 3) throw new Error('the activation answer lacks the certificate or the files');
  return out;
}

/** Operations per second the service manages on `kind` now, from a short timed run (it also warms up). */
export async function calibrate(service, kind) {
  const marbles = await makeMarbles(CALIBRATE_WARMUP + CALIBRATE_SERIAL + CALIBRATE_PARALLEL, kind.makeEvidence);
  for (const m of marbles.splice(0, CALIBRATE_WARMUP)) checkAnswer(await service.activate(activationOf(kind, m)));
  let t = performance.now();
  for (const m of marbles.slice(0, CALIBRATE_SERIAL)) checkAnswer(await service.activate(activationOf(kind, m)));
  const serial = CALIBRATE_SERIAL / ((performance.now() - t) / 1000);
  t = performance.now();
  await Promise.all(marbles.slice(CALIBRATE_SERIAL).map(async (m) => checkAnswer(await service.activate(activationOf(kind, m)))));
  const parallel = CALIBRATE_PARALLEL / ((performance.now() - t) / 1000);
  return Math.max(serial, parallel);
}

/** How many marbles one measureWork row may use at `rate` operations per second. */
export function poolSize(rate, extra = 0) {
  let n = extra;
  for (const c of settings.concurrency) {
    n += Math.ceil(rate * POOL_MARGIN * ((settings.warmupMs + settings.timeMs) / 1000)) + c * (settings.rounds + 2) + 8;
  }
  return n;
}
