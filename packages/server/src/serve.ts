/**
 * Starts `confide serve`: prepares the data directory, has the composition root build every
 * service, listens on HTTPS, and shuts down gracefully (in-flight requests finish, the store closes).
 */
import type { FastifyInstance } from 'fastify';
import { ConfideError } from '@confide/core';
import type { Store } from '@confide/store';
import { buildApp } from './app.js';
import { composeServer, displayHost, prepareDataDir, type CompositionHooks, type CompositionOverrides } from './compose/index.js';
import type { Config } from './config/schema.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** Path of the generated local CA certificate (dev mode without tls.cert). */
  caCertPath: string | undefined;
  /** Warnings for the operator (dev mode, replaced roots, degraded services); also logged. */
  warnings: string[];
  /** Stops accepting, lets in-flight requests finish (up to shutdownTimeout), closes the store. */
  close(): Promise<void>;
}

/** `warn` reports warnings as they arise; the overrides are test and benchmark seams (`confide serve` passes none). */
export type StartOptions = CompositionOverrides & CompositionHooks;

/** Throws ERR_DATA_DIR_UNUSABLE, ERR_PORT_IN_USE, ERR_STORE_UNAVAILABLE, ERR_CONFIG_INVALID, ERR_INPUT_UNREADABLE. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const dataDir = prepareDataDir(config.dataDir);
  const composition = await composeServer(config, dataDir, options);
  const { store } = composition;
  let app: FastifyInstance;
  try {
    app = await buildApp(composition.app);
    await app.listen({ host: config.host, port: config.port });
    // Logged once listening, so a start that fails prints only its error.
    for (const warning of composition.warnings) app.log.warn(warning);
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
  composition.setListenUrl(url);

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
  return { app, store, url, caCertPath: composition.caCertPath, warnings: composition.warnings, close };
}
