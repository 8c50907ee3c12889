/**
 * Marble activation: activations per second of the coordinator, with simulated evidence and
 * with SGX quotes forged under the Intel test PKI, each bound to a fresh marble key, against
 * the floor of the same signature checks plus the marble certificate's key generation and P-384
 * signature. Measured on the service (CoordinatorService.activate), through the route with
 * fastify's inject, and over mutual TLS on 127.0.0.1. No peer: MarbleRun is Go.
 */
import { Buffer } from 'node:buffer';
import { attempt, describeError, measureWork } from './lib/harness.mjs';
import { countVerifies, describeChecks } from './lib/floor.mjs';
import { cpuPerOp } from './lib/cpu-per-op.mjs';
import { activationFloorImpl, describeIssuing, sgxChecks, simChecks } from './lib/coordinator-floor.mjs';
import {
  benchManifest,
  benchSimulationKey,
  CERT_HEADER,
  fixedIntelCollateral,
  loadCoordinatorModules,
  sealedStateBytes,
  SGX_MARBLE,
  SIM_MARBLE,
  startBenchCoordinator,
} from './lib/coordinator-setup.mjs';
import { startHttpsCoordinator } from './lib/coordinator-https.mjs';
import { makeMarbles, marblePool, sgxPlatform, simEvidenceMaker } from './lib/marble-pool.mjs';
import { activationOf, calibrate, checkAnswer, poolSize } from './lib/activation-run.mjs';
import { printSkipped, printTable } from './lib/table.mjs';

const TITLE = 'Marble activation (POST /api/v2/marble/activate), fresh marble key each time';
const FIXTURE = '@confide/test-kit/intel-pki';
const PEER = { reason: 'none: MarbleRun, the reference coordinator, is Go (gRPC activation) and cannot be installed here; no JavaScript coordinator exists' };
const MEASUREMENT = new Uint8Array(32).fill(0x5a);
const MRENCLAVE = 'c0ffee'.padEnd(64, '1');
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const toBase64 = (bytes) => Buffer.from(bytes).toString('base64');

const CPU_SAMPLE_OPS = 32;
const CPU_SAMPLE_IN_FLIGHT = 16;

/** CPU time of this process (every thread) per operation, in ms, with 16 in flight. */
const cpuPerOpSampled = (op) => cpuPerOp(op, { ops: CPU_SAMPLE_OPS, inFlight: CPU_SAMPLE_IN_FLIGHT });

/** The TEEs measured: how to make evidence for a report data, and the floor's checks for one piece. */
async function teeKinds(mods, simKey, platform) {
  const kinds = [
    {
      label: 'sim',
      tee: 'sim',
      marbleType: SIM_MARBLE,
      makeEvidence: simEvidenceMaker(mods.ev, simKey, MEASUREMENT),
      checks: (evidence) => simChecks(evidence, simKey.spki),
    },
  ];
  if (platform.reason) kinds.push({ label: 'SGX v3', reason: platform.reason });
  else {
    kinds.push({
      label: 'SGX v3',
      tee: 'sgx',
      marbleType: SGX_MARBLE,
      makeEvidence: platform.makeQuote,
      checks: (evidence) => sgxChecks(mods.ev.parseIntelQuote(evidence), mods.ev.toDcapQvlCollateral(platform.world.collateral)),
    });
  }
  return kinds;
}

/** One row per concurrency for `work`: ours and the floor, { op } or { reason } each. */
async function rowsFor(work, ours, floor) {
  return measureWork(work, { ours, peer: PEER, floor });
}

async function measureKind(mods, kind, env, notes) {
  const rows = [];
  if (kind.reason) {
    rows.push(...(await rowsFor(`${kind.label}, service`, { reason: kind.reason }, { reason: kind.reason })));
    return rows;
  }
  // Row 1: the service itself.
  const first = await startBenchCoordinator(mods, env);
  let floor;
  try {
    const rate = await calibrate(first.service, kind);
    const pool = marblePool(await makeMarbles(poolSize(rate, CPU_SAMPLE_OPS + 2), kind.makeEvidence));
    const sample = pool.next();
    const probe = await attempt(async () => checkAnswer(await first.service.activate(activationOf(kind, sample))));
    if (!probe.ok) {
      rows.push(...(await rowsFor(`${kind.label}, service`, { reason: probe.reason }, { reason: 'needs an activation answer' })));
      return rows;
    }
    const checks = kind.checks(sample.evidence);
    floor = await activationFloorImpl(checks, probe.value.certificate);
    notes.push(`floor, ${kind.label}: ${describeChecks(checks)} beside ${describeIssuing()}, through crypto.subtle`);
    if (kind.tee === 'sgx') {
      const made = await countVerifies(() => first.service.activate(activationOf(kind, pool.next())));
      notes.push(`${kind.label}: one activation makes ${made} of the floor's ${checks.length} signature checks; the verifier remembers certificate, CRL and collateral signatures that verified, and every quote comes from the same forged platform`);
    }
    const op = async () => checkAnswer(await first.service.activate(activationOf(kind, pool.next())));
    rows.push(...(await rowsFor(`${kind.label}, service`, { op }, floor)));
    // A pool the measurement emptied leaves no marbles for this figure: say so, keep the rows.
    const oursCpu = await attempt(() => cpuPerOpSampled(op));
    const floorCpu = floor.op ? await cpuPerOpSampled(floor.op) : undefined;
    const state = await sealedStateBytes(first.store);
    const cpu = !oursCpu.ok
      ? `CPU time not measured (${oursCpu.reason})`
      : `CPU time per activation with ${CPU_SAMPLE_IN_FLIGHT} in flight (every thread of the process, load-independent): ours ${oursCpu.value.toFixed(2)} ms` +
        (floorCpu === undefined ? '' : `, floor ${floorCpu.toFixed(2)} ms (${(oursCpu.value / floorCpu).toFixed(1)}×)`);
    notes.push(`${kind.label}, service: ${pool.used()} marbles from the pool activated (of ${pool.size()} prepared), sealed state ${(state / 1024).toFixed(0)} KiB at the end; ${cpu}`);

    // Row 2: the route through fastify's inject, the client certificate from a header (no TLS).
    const second = await startBenchCoordinator(mods, env);
    try {
      const app = await mods.server.buildApp({
        store: second.store,
        bodyLimit: 1 << 20,
        coordinator: {
          coordinator: second.service,
          peerCertificate: (request) => {
            const h = request.headers[CERT_HEADER];
            return typeof h === 'string' ? new Uint8Array(Buffer.from(h, 'base64')) : undefined;
          },
        },
      });
      const injectPool = marblePool(await makeMarbles(poolSize(rate), kind.makeEvidence));
      const injectOp = async () => {
        const m = injectPool.next();
        const res = await app.inject({
          method: 'POST',
          url: '/api/v2/marble/activate',
          headers: { 'content-type': 'application/json', [CERT_HEADER]: toBase64(m.identity.der) },
          payload: JSON.stringify({ marbleType: kind.marbleType, uuid: m.uuid, tee: kind.tee, evidence: toBase64(m.evidence) }),
        });
        if (res.statusCode !== 200 || !res.body.startsWith('{"status":"success"')) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 200)}`);
      };
      const injectProbe = await attempt(injectOp);
      rows.push(...(await rowsFor(`${kind.label}, app.inject`, injectProbe.ok ? { op: injectOp } : { reason: injectProbe.reason }, floor)));
      await app.close();
    } finally {
      await second.close();
    }

    // Row 3: mutual TLS on 127.0.0.1, one connection per marble.
    if (kind.tee === 'sim' || process.env.BENCH_COORDINATOR_HTTPS_SGX) {
      const third = await startBenchCoordinator(mods, env);
      let https;
      try {
        https = await startHttpsCoordinator(mods, third.service, third.store);
        const httpsPool = marblePool(await makeMarbles(poolSize(rate), kind.makeEvidence));
        const httpsOp = async () => {
          const m = httpsPool.next();
          const res = await https.post(m, JSON.stringify({ marbleType: kind.marbleType, uuid: m.uuid, tee: kind.tee, evidence: toBase64(m.evidence) }));
          if (res.status !== 200 || !res.body.startsWith('{"status":"success"')) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
        };
        const httpsProbe = await attempt(httpsOp);
        rows.push(...(await rowsFor(`${kind.label}, HTTPS`, httpsProbe.ok ? { op: httpsOp } : { reason: httpsProbe.reason }, floor)));
      } catch (err) {
        rows.push(...(await rowsFor(`${kind.label}, HTTPS`, { reason: `cannot listen: ${describeError(err)}` }, floor)));
      } finally {
        await https?.close();
        await third.close();
      }
    }
  } finally {
    await first.close();
  }
  return rows;
}

export async function main() {
  const mods = await loadCoordinatorModules();
  if (mods.reason) return printSkipped(TITLE, mods.reason);
  const simKey = await benchSimulationKey();
  let platform;
  try {
    platform = await sgxPlatform(await import(FIXTURE), MRENCLAVE);
  } catch (err) {
    platform = { reason: `the Intel test PKI (${FIXTURE}) is not available (run npm run build): ${describeError(err)}` };
  }
  const at = platform.world?.at ?? new Date();
  const env = {
    manifest: benchManifest(hex(MEASUREMENT), MRENCLAVE),
    simKey,
    collateral: platform.world ? fixedIntelCollateral(platform.world.collateral, platform.world.request) : mods.ev.emptyCollateral,
    trustAnchors: platform.world?.trustAnchors,
    clock: mods.core.fixedClock(at),
  };
  const notes = [];
  const rows = [];
  for (const kind of await teeKinds(mods, simKey, platform)) {
    try {
      rows.push(...(await measureKind(mods, kind, env, notes)));
    } catch (err) {
      rows.push(...(await rowsFor(`${kind.label}, service`, { reason: describeError(err) }, { reason: 'not measured' })));
    }
  }
  printTable({
    title: TITLE,
    peerName: 'peer',
    rows,
    notes: [
      'ours, service: CoordinatorService.activate as the server builds it (startServerCoordinator: SQLite file store and file seal provider in a fresh data directory, dev-mode simulation key, the forged Intel root as trust anchor, collateral in memory, clock at the forged collateral\'s time); a manifest with a sim package (UniqueID) and an SGX package (UniqueID = the forged MRENCLAVE), MaxActivations 0, the marble\'s certificate, key and the root as template files',
      'each activation is a new marble: fresh UUID, fresh P-256 key, its self-signed certificate as the TLS client certificate, evidence whose report data is SHA-256 of that key\'s SPKI; all made before timing, and each answer is checked (certificate and 3 files). Every row starts from a new coordinator with no activations',
      'ours, app.inject: the same request (JSON, base64 evidence) through the server\'s buildApp and fastify\'s inject, the client certificate passed through the routes\' certificate seam (no TLS)',
      'ours, HTTPS: the same app listening on 127.0.0.1 with requestCert, one new TLS connection per marble presenting its certificate; the client runs in the same process, so its handshakes count in ours (set BENCH_COORDINATOR_HTTPS_SGX=1 for the SGX row too)',
      'besides the floor\'s work an activation reads the client certificate\'s SPKI, matches the package, renders the templates, seals its activation record (AES-256-GCM) and appends a signed audit entry (one more ECDSA P-256 signature); key generation and signing run before the store transaction, which only re-checks the state, counts MaxActivations and writes the record and the audit entry',
      ...notes,
    ],
  });
}

await main();
