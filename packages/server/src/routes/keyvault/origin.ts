/**
 * The origin key identifiers are built on: `https://<Host>` of the request, at the root, as the
 * client derives its vault URL from a kid. A Host that is not a plain host[:port] is refused
 * rather than echoed into identifiers.
 */
import type { FastifyRequest } from 'fastify';
import { ServerError } from '../../errors/index.js';

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function originOf(request: FastifyRequest): string {
  const host = request.headers.host;
  if (typeof host !== 'string' || !HOST.test(host)) throw new ServerError('ERR_VALIDATION', 'the Host header is not a host[:port]');
  return `https://${host.toLowerCase()}`;
}

/** The api-version the client sent, echoed into next links (any is accepted). */
export function apiVersionOf(request: FastifyRequest): string {
  const v = (request.query as Record<string, unknown> | undefined)?.['api-version'];
  return typeof v === 'string' && /^[0-9A-Za-z.-]{1,32}$/.test(v) ? v : '7.6';
}

/** The page size and continuation of a list request (`maxresults`, `$skiptoken`). */
export function pagingOf(request: FastifyRequest): { maxresults: number | undefined; after: string | undefined } {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const max = q['maxresults'];
  const token = q['$skiptoken'];
  let after: string | undefined;
  if (typeof token === 'string' && token !== '') after = Buffer.from(token, 'base64url').toString('utf8');
  return { maxresults: max === undefined || max === '' ? undefined : Number(max), after };
}

/** The nextLink of a page, or null on the last one. */
export function nextLinkOf(request: FastifyRequest, path: string, next: string | undefined, maxresults: number | undefined): string | null {
  if (next === undefined) return null;
  const params = new URLSearchParams({ 'api-version': apiVersionOf(request), $skiptoken: Buffer.from(next, 'utf8').toString('base64url') });
  if (maxresults !== undefined) params.set('maxresults', String(maxresults));
  return `${originOf(request)}${path}?${params.toString()}`;
}
