/**
 * Builds the HTTP application: plugins, error handling, and every service's routes. Starting
 * a listener, TLS files and signals belong to serve.ts, so tests can `inject()` this directly.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Store } from '@confide/store';
import { installProblemHandlers } from './plugins/problem.js';
import { registerOpenApi } from './plugins/openapi.js';
import { healthRoutes } from './routes/system/health.js';
import { VERSION } from './version.js';

export interface AppOptions {
  store: Store;
  bodyLimit: number;
  /** pino options or false; logs never include headers, bodies or secrets. */
  logger?: FastifyServerOptions['logger'];
  https?: { key: string | Buffer; cert: string | Buffer } | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit,
    // An incoming x-request-id is kept only when it looks like an id; otherwise a fresh UUID.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(options.https ? { https: options.https } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  installProblemHandlers(app);
  await registerOpenApi(app, VERSION);
  await app.register(healthRoutes, { store: options.store });
  return app;
}
