/**
 * Documents a surface's error replies in its routes' schemas, so /openapi.json shows them in the
 * shape that surface's serializer really sends. Every object allows further properties: the
 * response schema also drives fastify's serializer, which must never strip a field (`details`,
 * `innererror.details`) from a real error reply.
 */
import type { FastifyInstance } from 'fastify';

/** A JSON schema of one surface's error body and the media type it is sent as. */
export interface ErrorResponse {
  description: string;
  mediaType: string;
  schema: Record<string, unknown>;
}

const open = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required, additionalProperties: true });
const str = { type: 'string' };
const details = { type: 'object', additionalProperties: true };

/** RFC 9457 problem details with Confide's stable `code` (problemJson). */
export const problemResponse: ErrorResponse = {
  description: 'RFC 9457 problem details; `code` is the stable ERR_* code (docs/errors.md).',
  mediaType: 'application/problem+json',
  schema: open(
    { type: str, title: str, status: { type: 'integer' }, detail: str, code: str, instance: str, requestId: str, details },
    ['type', 'title', 'status', 'detail', 'code'],
  ),
};

/** MAA's CloudError (maaSerializer). */
export const maaErrorResponse: ErrorResponse = {
  description: 'MAA CloudError; `innererror.code` is the stable ERR_* code (docs/errors.md).',
  mediaType: 'application/json',
  schema: open({ error: open({ code: str, message: str, innererror: open({ code: str, details }, ['code']) }, ['code', 'message']) }, ['error']),
};

/** JSend fail (4xx) or error (5xx), MarbleRun's format (jsendSerializer). */
export const jsendErrorResponse: ErrorResponse = {
  description:
    "JSend as MarbleRun's handlers write it: `fail` for a request that cannot be decoded or an unauthenticated user, `error` otherwise; `data` is MarbleRun's (null, or the route's own object); `code` is the stable ERR_* code (docs/errors.md), `details` its details.",
  mediaType: 'application/json',
  schema: open({ status: { type: 'string', enum: ['fail', 'error'] }, message: str, code: str, data: {}, details }, ['status', 'message', 'code']),
};

/**
 * Adds `4XX` and `5XX` responses to every route registered in `app`'s scope from now on. A nested
 * surface's hook runs after its parent's, so the innermost surface's shape wins.
 */
export function documentErrors(app: FastifyInstance, response: ErrorResponse): void {
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as { hide?: boolean; response?: Record<string, unknown> };
    if (schema.hide) return;
    const body = { description: response.description, content: { [response.mediaType]: { schema: response.schema } } };
    route.schema = { ...schema, response: { ...schema.response, '4XX': body, '5XX': body } };
  });
}
