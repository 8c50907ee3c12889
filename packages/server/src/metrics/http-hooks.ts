/**
 * Counts every answered request into the server's metrics: the HTTP series by route template,
 * and the service outcomes read off the routes that carry them (an attestation is a POST to
 * /attest/{type}, an activation a POST to the marble activation route, and so on). Added to the
 * root instance before any surface registers, so every route inherits the hooks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { failureCode } from '../plugins/problem.js';
import type { ServerMetrics } from './metrics.js';

/** The attestation types of the MAA surface; any other value a client sends counts as "other" (labels stay few). */
const ATTESTATION_TYPES = new Set(['SgxEnclave', 'OpenEnclave', 'SevSnpVm', 'TdxVm', 'Tpm', 'AzureGuest', 'NvidiaGpu', 'Simulated']);
const RELEASE_ROUTES = new Set(['/keys/:name/release', '/keys/:name/:version/release']);

const started = new WeakMap<FastifyRequest, bigint>();

/** "ok" for a success, else the error code the surface answered with (or the HTTP status of a reply no error handler wrote). */
function outcomeOf(request: FastifyRequest, status: number): string {
  if (status < 400) return 'ok';
  return failureCode(request) ?? `HTTP_${status}`;
}

export function instrumentRequests(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onRequest', async (request) => {
    started.set(request, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const method = request.method;
    const status = reply.statusCode;
    metrics.requests.inc({ method, route, status: String(status) });
    const start = started.get(request);
    if (start !== undefined) metrics.duration.observe({ method, route }, Number(process.hrtime.bigint() - start) / 1e9);
    if (method !== 'POST') return;
    const outcome = outcomeOf(request, status);
    if (route === '/attest/:type') {
      const type = (request.params as { type?: string }).type ?? '';
      const tee = ATTESTATION_TYPES.has(type) ? type : 'other';
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
