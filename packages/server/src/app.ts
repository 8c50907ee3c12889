/**
 * Assembles the HTTP application from services already built: one encapsulated plugin per API
 * surface, each with its own error format. Building services is the composition root's job
 * (compose/), listening is serve.ts's, so tests can `inject()` this directly.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Store } from '@confide/store';
import { registerOpenApi } from './plugins/openapi.js';
import { recordRoutes } from './plugins/route-table.js';
import { keyVaultRoutes, type KeyVaultRoutesOptions } from './routes/keyvault/index.js';
import { consoleRoutes, type ConsoleRoutesOptions } from './routes/console/index.js';
import { kubernetesRoutes, type KubernetesRoutesOptions } from './routes/kubernetes/index.js';
import { ledgerRoutes, type LedgerRoutesOptions } from './routes/ledger/index.js';
import { maaRoutes, type MaaRoutesOptions } from './routes/maa/index.js';
import { MARBLERUN_PREFIX, marbleRunRoutes, type MarbleRunRoutesOptions } from './routes/marblerun/index.js';
import type { DegradedService } from './routes/system/health.js';
import { systemRoutes } from './routes/system/index.js';
import { VERSION } from './version.js';
import { instrumentRequests, type ServerMetrics } from './metrics/index.js';
import { deferredChildLogger } from './request-logger.js';
import { hardenedTls, type HttpLimits } from './tls/hardening.js';

export interface AppOptions {
  store: Store;
  bodyLimit: number;
  /** pino options or false; logs never include headers, bodies or secrets. */
  logger?: FastifyServerOptions['logger'];
  /** TLS: requestCert without rejectUnauthorized lets client certificates reach the coordinator routes. */
  https?: { key: string | Buffer; cert: string | Buffer; requestCert?: boolean; rejectUnauthorized?: boolean } | undefined;
  /** Timeouts and the connection cap of the listener (serve.ts passes the http.* configuration). */
  http?: HttpLimits | undefined;
  /** The MarbleRun-compatible coordinator surface; absent, its routes are not registered. */
  coordinator?: MarbleRunRoutesOptions | undefined;
  /** The MAA-compatible attestation surface (services from composeAttestation); absent, its routes are not registered. */
  attestation?: MaaRoutesOptions | undefined;
  /** The Azure Key Vault keys surface; absent, its routes are not registered. */
  keyvault?: KeyVaultRoutesOptions | undefined;
  /** The Kubernetes marble injector webhook; absent, its route is not registered. */
  kubernetes?: KubernetesRoutesOptions | undefined;
  /** Prometheus metrics every request is counted into (served by metrics/listener.ts, never by this app). */
  metrics?: ServerMetrics | undefined;
  /** The Azure Confidential Ledger surface; absent, its routes are not registered. */
  ledger?: LedgerRoutesOptions | undefined;
  /** The web console (/console); absent, its routes are not registered. */
  console?: ConsoleRoutesOptions | undefined;
  /** Services that came up degraded, reported by /readyz (read at every probe). */
  degraded?: (() => readonly DegradedService[]) | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    ...(options.logger ? { childLoggerFactory: deferredChildLogger } : {}),
    bodyLimit: options.bodyLimit,
    // An incoming x-request-id is kept only when it looks like an id; otherwise a fresh UUID.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(options.http ? { requestTimeout: options.http.requestTimeout, keepAliveTimeout: options.http.idleTimeout } : {}),
    ...(options.https ? { https: { ...options.https, ...hardenedTls(options.http) } } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;
  if (options.http) app.server.maxConnections = options.http.maxConnections;

  // Callback form: an async hook costs every request a promise and a turn of the microtask queue.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  recordRoutes(app);
  // Before any surface registers, so that every route inherits the counting hooks.
  if (options.metrics) instrumentRequests(app, options.metrics);
  await registerOpenApi(app, VERSION);
  const store = options.store;
  await systemRoutes(app, { readiness: { engine: store.engine, ping: () => store.ping(), degraded: options.degraded ?? (() => []) } });
  if (options.attestation) await app.register(maaRoutes, options.attestation);
  if (options.keyvault) await app.register(keyVaultRoutes, options.keyvault);
  if (options.kubernetes) await app.register(kubernetesRoutes, options.kubernetes);
  if (options.ledger) await app.register(ledgerRoutes, options.ledger);
  if (options.console) await app.register(consoleRoutes, options.console);
  if (options.coordinator) await app.register(marbleRunRoutes, { ...options.coordinator, prefix: MARBLERUN_PREFIX });
  return app;
}
