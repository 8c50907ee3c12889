/**
 * The MarbleRun-compatible coordinator surface: client API v2 and marble activation, JSend on
 * success and failure alike.
 */
import type { FastifyInstance } from 'fastify';
import type { CoordinatorService } from '@confide/coordinator';
import { activateRoutes } from './activate.js';
import { clientApiRoutes } from './client-api.js';
import { registerMarbleRunErrors } from './errors.js';
import { tlsPeerCertificate, type PeerCertificateReader } from './peer-certificate.js';

export interface MarbleRunRoutesOptions {
  coordinator: CoordinatorService;
  /** How a request's TLS client certificate is read (tests replace it: inject has no TLS). */
  peerCertificate?: PeerCertificateReader | undefined;
}

export { tlsPeerCertificate, type PeerCertificateReader } from './peer-certificate.js';

/** Registers the coordinator routes. */
export async function marbleRunRoutes(app: FastifyInstance, opts: MarbleRunRoutesOptions): Promise<void> {
  registerMarbleRunErrors();
  const peerCertificate = opts.peerCertificate ?? tlsPeerCertificate;
  await app.register(clientApiRoutes, { coordinator: opts.coordinator, peerCertificate });
  await app.register(activateRoutes, { coordinator: opts.coordinator, peerCertificate });
}
