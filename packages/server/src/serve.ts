/**
 * Starts `confide serve`: prepares the data directory, the store and TLS, listens on HTTPS,
 * and shuts down gracefully on SIGTERM/SIGINT (in-flight requests finish, the store closes).
 */
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ConfideError } from '@confide/core';
import { emptyCollateral, type CollateralProvider, type TrustAnchors } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp } from './app.js';
import { openSeal } from './seal/index.js';
import { createTokenService } from './services/attestation/tokens/index.js';
import { maaAdminFromConfig } from './services/attestation/admin/index.js';
import { loadSimulationKey } from './sim/index.js';
import { startServerCoordinator } from './services/coordinator/index.js';
import type { Config } from './config/schema.js';
import { loggerOptions } from './logger.js';
import { ensureLocalCa } from './tls/local-ca.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** Path of the generated local CA certificate (dev mode without tls.cert). */
  caCertPath: string | undefined;
  /** Stops accepting, lets in-flight requests finish (up to shutdownTimeout), closes the store. */
  close(): Promise<void>;
}

function prepareDataDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    accessSync(abs, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfideError('ERR_DATA_DIR_UNUSABLE', `data directory ${abs} is not usable (${code}); choose another with --data-dir or CONFIDE_DATA_DIR`);
  }
  return abs;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export interface StartOptions {
  /** Collateral for evidence verification, built by the caller from `collateral` / `collateralOnline`. */
  collateral?: CollateralProvider | undefined;
  /** Replacement vendor roots (dev mode only: `evidence.roots`), read by the caller. */
  trustAnchors?: TrustAnchors | undefined;
}

/** Throws ERR_DATA_DIR_UNUSABLE, ERR_PORT_IN_USE, ERR_STORE_UNAVAILABLE, ERR_CONFIG_INVALID. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const dataDir = prepareDataDir(config.dataDir);
  const seal = openSeal({ dataDir, mode: config.mode, keyFile: config.seal.keyFile });
  // Simulated evidence exists in dev mode only; production never loads (or creates) the key.
  const simulationKey = config.mode === 'dev' ? await loadSimulationKey(dataDir, { create: true }) : undefined;
  let caCertPath: string | undefined;
  let tls: { key: Buffer; cert: Buffer };
  if (config.tls.cert && config.tls.key) {
    try {
      tls = { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
    } catch (err) {
      throw new ConfideError('ERR_CONFIG_INVALID', `tls.cert / tls.key: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  } else if (config.tls.cert || config.tls.key) {
    throw new ConfideError('ERR_CONFIG_INVALID', 'tls.cert and tls.key must be given together');
  } else {
    const ca = await ensureLocalCa(join(dataDir, 'tls'), config.host);
    caCertPath = ca.caCertPath;
    tls = { cert: readFileSync(ca.certPath), key: readFileSync(ca.keyPath) };
  }
  // Ask for a client certificate without requiring one or judging its issuer: coordinator users
  // and marbles are recognised by the certificate or key the manifest and evidence name.
  const https = { ...tls, requestCert: true, rejectUnauthorized: false };

  const store = openSqliteStore(config.database ?? join(dataDir, 'confide.sqlite'));
  // Without attestation.issuer the issuer is the listen URL, known for sure only once listening (port 0).
  let issuer = config.attestation.issuer ?? `https://${displayHost(config.host)}:${config.port}`;
  let app: FastifyInstance;
  try {
    const tokens = await createTokenService({ store, seal, issuer: () => issuer, tokenLifetimeSeconds: config.attestation.tokenLifetime });
    app = await buildApp({
      store,
      bodyLimit: config.bodyLimit,
      logger: loggerOptions(config.logLevel),
      https,
      coordinator: {
        coordinator: await startServerCoordinator({
          store,
          dataDir,
          collateral: options.collateral ?? emptyCollateral,
          simulationKey,
          trustAnchors: options.trustAnchors,
          // Production wraps the coordinator's data key under the operator's key, never a file it wrote itself.
          sealKeyFile: config.mode === 'production' ? config.seal.keyFile : undefined,
          // The quote signs this listener's key with the root: clients bind the channel to the attested coordinator.
          tlsCertificate: tls.cert,
        }),
      },
      attestation: {
        tokens,
        collateral: options.collateral,
        trustAnchors: options.trustAnchors,
        ...(simulationKey ? { simulationKeys: async () => [simulationKey.spki] } : {}),
        admin: maaAdminFromConfig(config),
      },
    });
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await store.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfideError('ERR_PORT_IN_USE', `${config.host}:${config.port} is already in use; choose another port with --port or CONFIDE_PORT`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new ConfideError('ERR_CONFIG_INVALID', `host: cannot listen on ${config.host}:${config.port} (${code})`);
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `https://${displayHost(config.host)}:${port}`;
  if (config.attestation.issuer === undefined) issuer = url;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const timer = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeout);
      timer.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
        await store.close();
      }
    })();
    return closing;
  };
  return { app, store, url, caCertPath, close };
}
