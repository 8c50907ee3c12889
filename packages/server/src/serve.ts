/**
 * Starts `confide serve`: prepares the data directory, has the composition root build every
 * service, listens on HTTPS, and shuts down gracefully (in-flight requests finish, the store closes).
 */
import type { Server } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import { lookup } from 'node:dns/promises';
import { isIP, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ServerError } from './errors/index.js';
import type { Store } from '@confide/store';
import { buildApp } from './app.js';
import { composeServer, displayHost, prepareDataDir, type Composition, type CompositionHooks, type CompositionOverrides } from './compose/index.js';
import type { Config } from './config/schema.js';
import { listenAlso } from './listen/extra-listener.js';
import { listenMetrics } from './metrics/index.js';
import { meshListenAddress, startMarbleApi, type MarbleApi } from './marble-api/index.js';
import { buildClientApiApp } from './client-api-app.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  /** URL of the first host, with the real port. */
  url: string;
  /** One URL per bound address (e.g. localhost binds 127.0.0.1 and ::1), with the real port. */
  urls: string[];
  /** http://host:port/metrics of the metrics listener, when metrics.port is set. */
  metricsUrl: string | undefined;
  /** https://host:port of MarbleRun's client API listener (root certificate), when coordinator.clientApiPort is set. */
  clientApiUrl: string | undefined;
  /** Path of the generated local CA certificate (dev mode without tls.cert). */
  caCertPath: string | undefined;
  /** URL of the ledger listener (first host, real port), when the ledger is enabled: its certificate chains to the ledger identity. */
  ledgerUrl: string | undefined;
  /** Warnings for the operator (dev mode, replaced roots, degraded services); also logged. */
  warnings: string[];
  /** host:port of MarbleRun's gRPC marble API (coordinator.meshAddr), undefined when off. */
  marbleApi: string | undefined;
  /** Stops accepting, lets in-flight requests finish (up to shutdownTimeout), closes the store. */
  close(): Promise<void>;
}

/** `warn` reports warnings as they arise; the overrides are test and benchmark seams (`confide serve` passes none). */
export type StartOptions = CompositionOverrides & CompositionHooks;

/** The marble API on its own port; a port in use or an address that cannot be bound names coordinator.meshAddr. */
async function startMeshListener(coordinator: Composition['coordinator'], at: { host: string | undefined; port: number }, log: FastifyInstance['log']): Promise<MarbleApi> {
  try {
    return await startMarbleApi({ coordinator, host: at.host, port: at.port, log });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${at.host ?? '*'}:${at.port}`;
    if (code === 'EADDRINUSE') throw new ServerError('ERR_PORT_IN_USE', `${where} (the marble API) is already in use; choose another with coordinator.meshAddr or EDG_COORDINATOR_MESH_ADDR`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES' || code === 'EAFNOSUPPORT') throw new ServerError('ERR_CONFIG_INVALID', `coordinator.meshAddr: cannot listen on ${where} (${code})`);
    throw err;
  }
}

/** Throws ERR_DATA_DIR_UNUSABLE, ERR_PORT_IN_USE, ERR_STORE_UNAVAILABLE, ERR_CONFIG_INVALID, ERR_INPUT_UNREADABLE. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const dataDir = prepareDataDir(config.dataDir);
  const [first, ...others] = config.host;
  if (first === undefined) throw new ServerError('ERR_CONFIG_INVALID', 'host: expected at least one address');
  const meshAt = meshListenAddress(config.coordinator.meshAddr, first, config.port);
  const composition = await composeServer(config, dataDir, options);
  const { store } = composition;
  let app: FastifyInstance | undefined;
  const extra: Server[] = [];
  let metricsServer: HttpServer | undefined;
  let marbleApi: MarbleApi | undefined;
  let clientApi: FastifyInstance | undefined;
  let port = config.port;
  let host = first;
  let ledgerPort: number | undefined;
  try {
    app = await buildApp(composition.app);
    await app.listen({ host, port });
    port = (app.server.address() as AddressInfo).port;
    // Every further host listens on the port the first one got (the real one when port is 0), on
    // each address it resolves to that is not bound yet (localhost after 127.0.0.1 adds only ::1).
    const bound = new Set(app.addresses().map((a) => (typeof a === 'string' ? a : a.address)));
    for (host of others) {
      const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
      let failure: unknown;
      for (const address of addresses.filter((a) => !bound.has(a))) {
        try {
          extra.push(await listenAlso(app, composition.app, address, port));
          bound.add(address);
        } catch (err) {
          failure ??= err;
        }
      }
      // A name counts as listening when one of its addresses is (as fastify treats localhost without IPv6).
      if (failure !== undefined && !addresses.some((a) => bound.has(a))) throw failure;
      if (failure !== undefined && (failure as NodeJS.ErrnoException).code === 'EADDRINUSE') throw failure;
    }
    const metrics = composition.app.metrics;
    if (metrics && config.metrics.port !== undefined) {
      [host, port] = [config.metrics.host, config.metrics.port];
      metricsServer = await listenMetrics(metrics, host, port);
    }
    // The ledger listener: the same app on every bound address, presenting the chain that ends at the ledger identity.
    if (composition.ledgerTls) {
      const https = { ...composition.ledgerTls, requestCert: true, rejectUnauthorized: false };
      host = first;
      port = config.ledger.port;
      for (const address of bound) {
        const server = await listenAlso(app, { https, http: composition.app.http }, address, ledgerPort ?? port);
        extra.push(server);
        ledgerPort ??= (server.address() as AddressInfo).port;
      }
    }
    if (config.coordinator.clientApiPort !== undefined) {
      [host, port] = [first, config.coordinator.clientApiPort];
      const { logger, bodyLimit, http } = composition.app;
      clientApi = await buildClientApiApp({ coordinator: composition.coordinator, logger, bodyLimit, http });
      await clientApi.listen({ host, port });
    }
    // The listeners above named their own port in errors; the URLs below are the main listener's.
    port = (app.server.address() as AddressInfo).port;
    if (meshAt) marbleApi = await startMeshListener(composition.coordinator, meshAt, app.log);
    // Logged once listening, so a start that fails prints only its error.
    for (const warning of composition.warnings) app.log.warn(warning);
  } catch (err) {
    for (const server of extra) server.close();
    metricsServer?.close();
    await marbleApi?.close();
    await clientApi?.close();
    await app?.close();
    await store.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ServerError('ERR_PORT_IN_USE', `${host}:${port} is already in use; choose another port with --port or CONFIDE_PORT`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES' || code === 'EAFNOSUPPORT') {
      throw new ServerError('ERR_CONFIG_INVALID', `host: cannot listen on ${host}:${port} (${code})`);
    }
    throw err;
  }
  const url = `https://${displayHost(first)}:${port}`;
  const bound = [...app.addresses(), ...extra.filter((server) => (server.address() as AddressInfo | null)?.port === port).map((server) => server.address())].filter((a): a is AddressInfo => typeof a === 'object' && a !== null);
  const urls = bound.map((a) => `https://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`);
  composition.setListenUrl(url);
  const listening = app;
  const metricsAddress = metricsServer?.address() as AddressInfo | undefined;
  const metricsUrl = metricsAddress ? `http://${displayHost(metricsAddress.address)}:${metricsAddress.port}/metrics` : undefined;
  const clientApiAddress = clientApi?.server.address() as AddressInfo | undefined;
  const clientApiUrl = clientApiAddress ? `https://${displayHost(first)}:${clientApiAddress.port}` : undefined;
  const clientApiListening = clientApi;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const timer = setTimeout(() => {
        listening.server.closeAllConnections();
        for (const server of extra) server.closeAllConnections();
      }, config.shutdownTimeout);
      timer.unref();
      try {
        metricsServer?.close();
        metricsServer?.closeAllConnections();
        await Promise.all([
          listening.close(),
          marbleApi?.close(),
          clientApiListening?.close(),
          ...extra.map(
            (server) =>
              new Promise<void>((done) => {
                server.close(() => done());
                server.closeIdleConnections();
              }),
          ),
        ]);
      } finally {
        clearTimeout(timer);
        await store.close();
      }
    })();
    return closing;
  };
  const ledgerUrl = ledgerPort === undefined ? undefined : `https://${displayHost(first)}:${ledgerPort}`;
  const meshAddress = marbleApi?.address;
  const marbleApiAt = meshAddress ? `${meshAddress.address.includes(':') ? `[${meshAddress.address}]` : meshAddress.address}:${meshAddress.port}` : undefined;
  return { app: listening, store, url, urls, metricsUrl, caCertPath: composition.caCertPath, ledgerUrl, warnings: composition.warnings, marbleApi: marbleApiAt, clientApiUrl, close };
}
