/**
 * MarbleRun's client API on a listener of its own (MarbleRun's 4433, `coordinator.clientApiPort`):
 * the coordinator's root certificate as the TLS certificate (listen/root-tls-server.ts), the v2
 * routes under /api/v2 and the deprecated v1 routes at the root, as MarbleRun's serve mux has
 * them (coordinator/server/server.go CreateServeMux). Anything else answers 405 JSend `error`,
 * MarbleRun's catch-all (handler.MethodNotAllowedHandler), on which its CLI falls back to v1.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { CoordinatorService } from '@confide/coordinator';
import { ServerError } from './errors/index.js';
import { jsendErrorResponse } from './plugins/error-responses.js';
import { surfaceErrors } from './plugins/problem.js';
import { MARBLERUN_PREFIX, marbleRunRoutes } from './routes/marblerun/index.js';
import { jsendSerializer } from './routes/marblerun/errors.js';
import { tlsPeerCertificate, type PeerCertificateReader } from './routes/marblerun/peer-certificate.js';
import { v1Routes } from './routes/marblerun/v1.js';
import { rootTlsServer } from './listen/root-tls-server.js';
import { deferredChildLogger } from './request-logger.js';
import type { HttpLimits } from './tls/hardening.js';

export interface ClientApiAppOptions {
  coordinator: CoordinatorService;
  bodyLimit: number;
  logger?: FastifyServerOptions['logger'];
  http?: HttpLimits | undefined;
  /** Tests with inject() replace the TLS reader; the listener reads the connection's certificate. */
  peerCertificate?: PeerCertificateReader | undefined;
}

/** A JSON body, parsed as MarbleRun's json.Decoder would: whatever the Content-Type says. */
function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw Object.assign(new SyntaxError((err as Error).message), { statusCode: 400 });
  }
}

/** Builds the client API app; it listens on its own server (`app.listen`). */
export async function buildClientApiApp(options: ClientApiAppOptions): Promise<FastifyInstance> {
  const { coordinator } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    ...(options.logger ? { childLoggerFactory: deferredChildLogger } : {}),
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    serverFactory: (handler) => rootTlsServer(coordinator, handler, options.http),
  } as FastifyServerOptions) as unknown as FastifyInstance;
  // MarbleRun reads bodies without looking at Content-Type (curl --data-binary sends a form type):
  // v2 bodies are JSON, v1 bodies the raw manifest or secrets map its routes decode themselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, request.url.startsWith(`${MARBLERUN_PREFIX}/`) ? parseJson(body as Buffer) : new Uint8Array(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  surfaceErrors(app, jsendSerializer, { notFound: false, response: jsendErrorResponse });
  app.setNotFoundHandler(async (request) => {
    throw new ServerError('ERR_METHOD_NOT_ALLOWED', `no route for ${request.method} ${request.url.split('?')[0]}`);
  });
  const peerCertificate = options.peerCertificate ?? tlsPeerCertificate;
  await app.register(marbleRunRoutes, { coordinator, peerCertificate, notFound: false, prefix: MARBLERUN_PREFIX });
  await app.register(v1Routes, { coordinator, peerCertificate });
  return app;
}
