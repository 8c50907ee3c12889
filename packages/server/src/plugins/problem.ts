/**
 * The only place that turns an error into bytes. Confide's own routes answer RFC 9457
 * `application/problem+json`; a compatible surface (MAA, Key Vault, ledger, MarbleRun) sets
 * `config.surface` on its routes and registers its own serializer, so its wire errors match upstream.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfideError, ERROR_CODES, type ErrorCode } from '@confide/core';

export interface Problem {
  code: ErrorCode;
  status: number;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/** Writes a problem in a surface's wire format. */
export type ErrorSerializer = (problem: Problem, request: FastifyRequest, reply: FastifyReply) => void;

const serializers = new Map<string, ErrorSerializer>();

/** Registers the error format of a compatible surface, selected by a route's `config.surface`. */
export function registerErrorSerializer(surface: string, serializer: ErrorSerializer): void {
  serializers.set(surface, serializer);
}

const problemJson: ErrorSerializer = (problem, request, reply) => {
  void reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `https://confide.dev/errors#${problem.code}`,
      title: ERROR_CODES[problem.code].summary,
      status: problem.status,
      detail: problem.message,
      code: problem.code,
      instance: request.url,
      requestId: request.id,
      ...(problem.details ? { details: problem.details } : {}),
    });
};

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_TYPE: 'ERR_BODY_MALFORMED',
};

/** Maps any thrown value to a problem; unknown faults become ERR_INTERNAL with no detail. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ConfideError) {
    return { code: err.code, status: err.status, message: err.expose ? err.message : ERROR_CODES[err.code].summary, details: err.expose ? err.details : undefined };
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) return { code: 'ERR_VALIDATION', status: 400, message: fe.message ?? 'invalid request' };
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return { code: mapped, status: ERROR_CODES[mapped].status, message: fe.message ?? ERROR_CODES[mapped].summary };
  if (err instanceof SyntaxError && fe.statusCode === 400) return { code: 'ERR_BODY_MALFORMED', status: 400, message: err.message };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode = fe.statusCode === 413 ? 'ERR_BODY_TOO_LARGE' : fe.statusCode === 415 ? 'ERR_UNSUPPORTED_MEDIA_TYPE' : fe.statusCode === 404 ? 'ERR_NOT_FOUND' : 'ERR_BODY_MALFORMED';
    return { code, status: ERROR_CODES[code].status, message: fe.message ?? ERROR_CODES[code].summary };
  }
  return { code: 'ERR_INTERNAL', status: 500, message: ERROR_CODES.ERR_INTERNAL.summary };
}

function send(problem: Problem, request: FastifyRequest, reply: FastifyReply): void {
  const surface = (request.routeOptions.config as { surface?: string } | undefined)?.surface;
  (surface ? serializers.get(surface) ?? problemJson : problemJson)(problem, request, reply);
}

/** Installs the error and not-found handlers on `app`. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: problem.code }, 'request refused');
    send(problem, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    send({ code: 'ERR_NOT_FOUND', status: 404, message: `no route for ${request.method} ${request.url.split('?')[0]}` }, request, reply);
  });
}
