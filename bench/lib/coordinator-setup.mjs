/**
 * A coordinator as `confide serve` builds it (the server's coordinatorSealProvider and startServerCoordinator: file seal
 * provider and SQLite store in a fresh data directory, dev-mode simulation key), with a manifest
 * of one simulated and one SGX marble (MaxActivations 0, unlimited), ready to activate marbles.
 * Each call makes a new one, so that every measurement starts from an empty activation record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { TextEncoder } from 'node:util';
import { describeError } from './harness.mjs';

const subtle = webcrypto.subtle;
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };

/** Marble type names in the benchmark manifest. */
export const SIM_MARBLE = 'sim-marble';
export const SGX_MARBLE = 'sgx-marble';
/** The header the inject seam reads the client certificate from (inject has no TLS). */
export const CERT_HEADER = 'x-bench-client-cert';

// What a typical MarbleRun manifest hands a marble: its certificate and key as files.
const PARAMETERS = {
  Files: {
    '/tls/marble-cert.pem': '{{ pem .MarbleRun.MarbleCert.Cert }}',
    '/tls/marble-key.pem': '{{ pem .MarbleRun.MarbleCert.Private }}',
    '/tls/root-ca.pem': '{{ pem .MarbleRun.RootCA.Cert }}',
  },
  Env: { MARBLE_NAME: 'bench' },
};

/** The manifest bytes: a sim package by measurement and an SGX package by MRENCLAVE. */
export function benchManifest(simMeasurementHex, mrenclaveHex) {
  return new TextEncoder().encode(
    JSON.stringify({
      Packages: {
        'sim-pkg': { Tee: 'sim', UniqueID: simMeasurementHex, Debug: false },
        'sgx-pkg': { Tee: 'sgx', UniqueID: mrenclaveHex, Debug: false },
      },
      Marbles: {
        [SIM_MARBLE]: { Package: 'sim-pkg', MaxActivations: 0, Parameters: PARAMETERS },
        [SGX_MARBLE]: { Package: 'sgx-pkg', MaxActivations: 0, Parameters: PARAMETERS },
      },
    }),
  );
}

/** Loads what the benchmark drives: { coordinator, server, serverCoordinator, store, ev, core } or { reason }. */
export async function loadCoordinatorModules() {
  try {
    const [coordinator, server, serverCoordinator, store, ev, core] = await Promise.all([
      import('@confide/coordinator'),
      import('@confide/server'),
      import(new URL('../../packages/server/dist/src/services/coordinator/index.js', import.meta.url).href),
      import('@confide/store'),
      import('@confide/evidence'),
      import('@confide/core'),
    ]);
    return { coordinator, server, serverCoordinator, store, ev, core };
  } catch (err) {
    return { reason: `cannot load the coordinator and server packages (run npm run build): ${describeError(err)}` };
  }
}

/** A dev-mode simulation key pair in the shape the server's coordinator takes: { privateKey, spki }. */
export async function benchSimulationKey() {
  const keys = await subtle.generateKey(P256, true, ['sign', 'verify']);
  return { privateKey: keys.privateKey, publicKey: keys.publicKey, spki: new Uint8Array(await subtle.exportKey('spki', keys.publicKey)) };
}

/**
 * A started coordinator with `manifest` set: { service, store, dataDir, close() }.
 * `collateral` and `trustAnchors` come from the forged Intel world; `clock` is its time.
 * `openStore(dataDir)` opens its store (default: a SQLite file in the data directory).
 */
export async function startBenchCoordinator(mods, { manifest, simKey, collateral, trustAnchors, clock }, openStore = (dataDir) => mods.store.openSqliteStore(join(dataDir, 'confide.db'))) {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-bench-coord-'));
  const store = await openStore(dataDir);
  try {
    const seal = mods.server.coordinatorSealProvider({ dataDir, keyFile: undefined });
    const service = await mods.serverCoordinator.startServerCoordinator({ store, seal, collateral, simulationKey: simKey, trustAnchors, clock });
    await service.setManifest(manifest);
    return {
      service,
      store,
      dataDir,
      close: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** A collateral provider answering every Intel request for this FMSPC with `collateral`. */
export function fixedIntelCollateral(collateral, request) {
  return {
    intel: async (req) => (req.tee === request.tee && req.fmspc === request.fmspc && req.ca === request.ca ? collateral : undefined),
    amd: async () => undefined,
  };
}

/** Size in bytes of the sealed state as stored (activations are kept beside it, so it does not grow with them). */
export async function sealedStateBytes(store) {
  const record = await store.sealedState.get();
  return record ? record.sealedState.length + record.wrappedDataKey.length : 0;
}
