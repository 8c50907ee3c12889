/**
 * Counts every answered request into the server's metrics: the HTTP series by route template,
 * and the service outcomes read off the routes that carry them (an attestation is a POST to
 * /attest/{type}, an activation a POST to the marble activation route, and so on). Added to the
 * root instance before any surface registers, so every route inherits the hooks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { failureCode } from '../plugins/problem.js';
import { ATTESTATION_TYPES } from '../services/attestation/types.js';
import type { ServerMetrics } from './metrics.js';

/** The MAA surface's attestation types; any other value a client sends counts as "other" (labels stay few). */
const KNOWN_TYPES: ReadonlySet<string> = new Set(ATTESTATION_TYPES);
const RELEASE_ROUTES = new Set(['/keys/:name/release', '/keys/:name/:version/release']);

/** "ok" for a success, else the error code the surface answered with (or the HTTP status of a reply no error handler wrote). */
function outcomeOf(request: FastifyRequest, status: number): string {
  if (status < 400) return 'ok';
  return failureCode(request) ?? `HTTP_${status}`;
}

export function instrumentRequests(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const method = request.method;
    const status = reply.statusCode;
    metrics.requests.inc({ method, route, status: String(status) });
    metrics.duration.observe({ method, route }, reply.elapsedTime / 1000);
    if (method !== 'POST') return;
    const outcome = outcomeOf(request, status);
    if (route === '/attest/:type') {
      const type = (request.params as { type?: string }).type ?? '';
      const tee = KNOWN_TYPES.has(type) ? type : 'other';
      metrics.verifications.inc({ tee, outcome });
      if (outcome === 'ok') metrics.tokensIssued.inc({ tee });
    } else if (route === '/api/v2/marble/activate') {
      metrics.activations.inc({ outcome });
    } else if (RELEASE_ROUTES.has(route)) {
      metrics.keyReleases.inc({ outcome });
    } else if (route === '/app/transactions') {
      metrics.ledgerAppends.inc({ outcome });
    }
  });
}
