/**
 * The only place that turns an error into bytes. Each API surface is an encapsulated plugin
 * that installs its own error and not-found handlers with its wire format (`surfaceErrors`):
 * Confide's own routes answer RFC 9457 `application/problem+json`, the compatible surfaces
 * (MAA, MarbleRun, later Key Vault and ledger) answer as upstream does.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfideError } from '@confide/core';
import { isKnownErrorCode, KNOWN_ERROR_CODES, type KnownErrorCode } from '../errors/index.js';
import { httpStatusOf } from './http-status.js';
import { documentErrors, type ErrorResponse } from './error-responses.js';

export interface Problem {
  code: KnownErrorCode;
  status: number;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/** Writes a problem in a surface's wire format; `error` is what was thrown (absent for not-found). */
export type ErrorSerializer = (problem: Problem, request: FastifyRequest, reply: FastifyReply, error?: unknown) => void;

/** RFC 9457 problem details, Confide's own format. */
export const problemJson: ErrorSerializer = (problem, request, reply) => {
  void reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `https://confide.dev/errors#${problem.code}`,
      title: KNOWN_ERROR_CODES[problem.code].summary,
      status: problem.status,
      detail: problem.message,
      code: problem.code,
      instance: request.url,
      requestId: request.id,
      ...(problem.details ? { details: problem.details } : {}),
    });
};

const FASTIFY_CODES: Record<string, KnownErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_TYPE: 'ERR_BODY_MALFORMED',
};

function problemOf(code: KnownErrorCode, message: string): Problem {
  return { code, status: httpStatusOf(code), message };
}

/**
 * Maps any thrown value to a problem; unknown faults, and a ConfideError built from a table no
 * package declares (only a test double could), become ERR_INTERNAL with no detail.
 */
function toProblem(err: unknown): Problem {
  if (err instanceof ConfideError && isKnownErrorCode(err.code)) {
    return { code: err.code, status: httpStatusOf(err.code), message: err.expose ? err.message : err.summary, details: err.expose ? err.details : undefined };
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) return problemOf('ERR_VALIDATION', fe.message ?? 'invalid request');
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return problemOf(mapped, fe.message ?? KNOWN_ERROR_CODES[mapped].summary);
  if (err instanceof SyntaxError && fe.statusCode === 400) return problemOf('ERR_BODY_MALFORMED', err.message);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: KnownErrorCode = fe.statusCode === 413 ? 'ERR_BODY_TOO_LARGE' : fe.statusCode === 415 ? 'ERR_UNSUPPORTED_MEDIA_TYPE' : fe.statusCode === 404 ? 'ERR_NOT_FOUND' : 'ERR_BODY_MALFORMED';
    return problemOf(code, fe.message ?? KNOWN_ERROR_CODES[code].summary);
  }
  return problemOf('ERR_INTERNAL', KNOWN_ERROR_CODES.ERR_INTERNAL.summary);
}

/** The code each failed request was answered with, for whoever counts outcomes (metrics/http-hooks.ts). */
const failures = new WeakMap<FastifyRequest, KnownErrorCode>();

/** The error code `request` was answered with by a surface's error handler, if it failed. */
export function failureCode(request: FastifyRequest): KnownErrorCode | undefined {
  return failures.get(request);
}

/**
 * Installs `serializer` as the error handler of `app`'s scope, and as its not-found handler when
 * `notFound` is set (fastify allows one not-found handler per route prefix, so a surface without
 * a prefix of its own leaves unknown paths to the root's problem+json). `response` documents the
 * serializer's shape on every route the scope registers from now on.
 */
export function surfaceErrors(app: FastifyInstance, serializer: ErrorSerializer, options: { notFound: boolean; response: ErrorResponse }): void {
  documentErrors(app, options.response);
  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err);
    failures.set(request, problem.code);
    if (problem.status >= 500) request.log.error({ err, code: problem.code }, 'request failed');
    // The reason goes into the log line, so an operator sees why without turning on debug.
    else request.log.info({ code: problem.code, reason: problem.message }, 'request refused');
    serializer(problem, request, reply, err);
  });
  if (options.notFound) {
    app.setNotFoundHandler((request, reply) => {
      serializer(problemOf('ERR_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`), request, reply);
    });
  }
}
