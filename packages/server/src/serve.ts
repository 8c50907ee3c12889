/**
 * Starts `confide serve`: prepares the data directory, the store and TLS, listens on HTTPS,
 * and shuts down gracefully on SIGTERM/SIGINT (in-flight requests finish, the store closes).
 */
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ConfideError } from '@confide/core';
import { openSqliteStore, type Store } from '@confide/store';
import { buildApp } from './app.js';
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

/** Throws ERR_DATA_DIR_UNUSABLE, ERR_PORT_IN_USE, ERR_STORE_UNAVAILABLE, ERR_CONFIG_INVALID. */
export async function startServer(config: Config): Promise<RunningServer> {
  const dataDir = prepareDataDir(config.dataDir);
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

  const store = openSqliteStore(config.database ?? join(dataDir, 'confide.sqlite'));
  let app: FastifyInstance;
  try {
    app = await buildApp({ store, bodyLimit: config.bodyLimit, logger: loggerOptions(config.logLevel), https: tls });
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
