/**
 * Confide's own surface: probes, the OpenAPI description and its page, answering errors as
 * RFC 9457 problem+json. Registered at the root, its error and not-found handlers are the
 * fallback for every path no other surface claims.
 */
import type { FastifyInstance } from 'fastify';
import { problemResponse } from '../../plugins/error-responses.js';
import { problemJson, surfaceErrors } from '../../plugins/problem.js';
import { docsRoutes } from '../../plugins/openapi.js';
import { healthRoutes, type Readiness } from './health.js';

/** Registers the system routes on the root instance (not encapsulated: its handlers are the app's defaults). */
export async function systemRoutes(app: FastifyInstance, opts: { readiness: Readiness }): Promise<void> {
  surfaceErrors(app, problemJson, { notFound: true, response: problemResponse });
  await app.register(healthRoutes, { readiness: opts.readiness });
  await app.register(docsRoutes);
}
