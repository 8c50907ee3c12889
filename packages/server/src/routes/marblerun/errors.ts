/**
 * MarbleRun's wire errors (coordinator/server/handler/handler.go): JSend `fail`
 * (`WriteJSONFailure`) where MarbleRun's handler rejects the request itself (a body or query it
 * cannot decode, an unauthenticated user: v2 only), JSend `error` (`WriteJSONError`) for
 * everything its client API backend refuses and for every v1 route. `data` is what MarbleRun puts
 * there (null, or a route's own object such as sign-quote's `{sgxQuote}`); Confide's stable code
 * and details ride beside it in `code` and `details`, fields MarbleRun's clients ignore.
 */
import type { FastifyRequest } from 'fastify';
import { ConfideError } from '@confide/core';
import { ServerError } from '../../errors/index.js';
import type { ErrorSerializer, Problem } from '../../plugins/problem.js';

/** JSend's two failure kinds. */
export type JsendKind = 'fail' | 'error';

/** What a route answers for a failure instead of the surface's default (MarbleRun's per-route choices). */
export interface JsendFailure {
  kind?: JsendKind;
  status?: number;
  message?: string;
  data?: unknown;
}

/** A route's own failure shape (route option `config: { jsend }`); undefined keeps the default. */
export type JsendShape = (problem: Problem, error: unknown) => JsendFailure | undefined;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The MarbleRun surface's per-route failure shape (routes/marblerun/errors.ts). */
    jsend?: JsendShape;
  }
}

/** Codes that mean "the request could not be decoded", which MarbleRun's handlers answer as `fail`. */
const DECODING_CODES = new Set(['ERR_VALIDATION', 'ERR_BODY_MALFORMED', 'ERR_BODY_TOO_LARGE', 'ERR_UNSUPPORTED_MEDIA_TYPE']);

/** The prefix of MarbleRun's current API; everything else it serves is the deprecated v1 API. */
const V2 = '/api/v2/';

/**
 * The kind MarbleRun's handler would write: v1 writes `error` always; v2 writes `fail` for a user
 * it cannot authenticate and for a request it cannot decode (thrown by the route or by fastify,
 * not by the coordinator), `error` for the rest.
 */
export function jsendKind(problem: Problem, request: FastifyRequest, error: unknown): JsendKind {
  if (!request.url.startsWith(V2)) return 'error';
  if (problem.code === 'ERR_UNAUTHENTICATED') return 'fail';
  const fromRoute = error instanceof ServerError || !(error instanceof ConfideError);
  return DECODING_CODES.has(problem.code) && fromRoute ? 'fail' : 'error';
}

function routeShape(request: FastifyRequest): JsendShape | undefined {
  return request.routeOptions.config.jsend;
}

/** JSend errors, the MarbleRun surface's error serializer. */
export const jsendSerializer: ErrorSerializer = (problem, request, reply, error) => {
  const own = routeShape(request)?.(problem, error) ?? {};
  const body = {
    status: own.kind ?? jsendKind(problem, request, error),
    data: own.data ?? null,
    message: own.message ?? `${problem.code}: ${problem.message}`,
    code: problem.code,
    ...(problem.details ? { details: problem.details } : {}),
  };
  void reply
    .code(own.status ?? problem.status)
    .type('application/json; charset=utf-8')
    .send(body);
};
