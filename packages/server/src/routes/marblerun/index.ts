/**
 * The MarbleRun-compatible coordinator surface as one encapsulated plugin under /api/v2: client
 * API v2 and marble activation, JSend on success and failure alike, unknown paths included.
 */
import type { FastifyInstance } from 'fastify';
import type { CoordinatorService } from '@confide/coordinator';
import { jsendErrorResponse } from '../../plugins/error-responses.js';
import { surfaceErrors } from '../../plugins/problem.js';
import { activateRoutes } from './activate.js';
import { clientApiRoutes } from './client-api.js';
import { jsendSerializer } from './errors.js';
import { monotonicCounterRoute } from './monotonic-counter.js';
import { tlsPeerCertificate, type PeerCertificateReader } from './peer-certificate.js';

export interface MarbleRunRoutesOptions {
  coordinator: CoordinatorService;
  /** How a request's TLS client certificate is read (tests replace it: inject has no TLS). */
  peerCertificate?: PeerCertificateReader | undefined;
  /**
   * False leaves unknown paths to the enclosing app (the client API listener answers them as
   * MarbleRun does, 405); default true: JSend ERR_NOT_FOUND under the prefix.
   */
  notFound?: boolean | undefined;
}

export { tlsPeerCertificate, type PeerCertificateReader } from './peer-certificate.js';

/** The prefix every MarbleRun route lives under. */
export const MARBLERUN_PREFIX = '/api/v2';

/** Registers the coordinator routes; register it with `{ prefix: MARBLERUN_PREFIX }`. */
export async function marbleRunRoutes(app: FastifyInstance, opts: MarbleRunRoutesOptions): Promise<void> {
  surfaceErrors(app, jsendSerializer, { notFound: opts.notFound ?? true, response: jsendErrorResponse });
  const peerCertificate = opts.peerCertificate ?? tlsPeerCertificate;
  await app.register(clientApiRoutes, { coordinator: opts.coordinator, peerCertificate });
  await app.register(activateRoutes, { coordinator: opts.coordinator, peerCertificate });
  await app.register(monotonicCounterRoute, { coordinator: opts.coordinator, peerCertificate });
}
