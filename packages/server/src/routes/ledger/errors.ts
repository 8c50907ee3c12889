/**
 * The Confidential Ledger's wire errors, CCF's shape: `{"error":{"code":"InvalidInput","message":"…"}}`
 * with CCF's error code names. Confide's stable ERR_* code leads the message and is repeated in
 * `innererror.code`, as the key vault surface does.
 */
import type { KnownErrorCode } from '../../errors/index.js';
import type { ErrorResponse } from '../../plugins/error-responses.js';
import type { ErrorSerializer, Problem } from '../../plugins/problem.js';

const LEDGER_CODES: Partial<Record<KnownErrorCode, string>> = {
  ERR_VALIDATION: 'InvalidInput',
  ERR_BODY_MALFORMED: 'InvalidInput',
  ERR_LEDGER_TRANSACTION_ID_INVALID: 'InvalidInput',
  ERR_LEDGER_COLLECTION_ID_INVALID: 'InvalidInput',
  ERR_LEDGER_USER_ID_INVALID: 'InvalidInput',
  ERR_LEDGER_RANGE_INVALID: 'InvalidQueryParameterValue',
  ERR_LEDGER_ENTRY_TOO_LARGE: 'RequestBodyTooLarge',
  ERR_BODY_TOO_LARGE: 'RequestBodyTooLarge',
  ERR_UNSUPPORTED_MEDIA_TYPE: 'UnsupportedContentType',
  ERR_LEDGER_TRANSACTION_NOT_FOUND: 'TransactionNotFound',
  ERR_LEDGER_USER_NOT_FOUND: 'ResourceNotFound',
  ERR_NOT_FOUND: 'ResourceNotFound',
  ERR_METHOD_NOT_ALLOWED: 'UnsupportedHttpVerb',
  ERR_UNAUTHENTICATED: 'InvalidAuthenticationInfo',
  ERR_FORBIDDEN: 'AuthorizationFailed',
  ERR_LEDGER_LAST_ADMINISTRATOR: 'Conflict',
  ERR_SERVICE_UNAVAILABLE: 'ServiceUnavailable',
  ERR_STORE_UNAVAILABLE: 'ServiceUnavailable',
};

export function ledgerErrorCode(problem: Problem): string {
  // A writer that stopped (ERR_LEDGER_WRITER_FAILED) or a store that is down answers 503: the client may retry.
  return LEDGER_CODES[problem.code] ?? (problem.status === 503 ? 'ServiceUnavailable' : problem.status >= 500 ? 'InternalError' : 'InvalidInput');
}

export const ledgerSerializer: ErrorSerializer = (problem, _request, reply) => {
  void reply
    .code(problem.status)
    .type('application/json; charset=utf-8')
    .send({ error: { code: ledgerErrorCode(problem), message: `${problem.code}: ${problem.message}`, innererror: { code: problem.code, ...(problem.details ? { details: problem.details } : {}) } } });
};

const open = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required, additionalProperties: true });

/** The ledger's error body, for the OpenAPI description. */
export const ledgerErrorResponse: ErrorResponse = {
  description: 'Confidential Ledger (CCF) error; `innererror.code` is the stable ERR_* code (docs/errors.md).',
  mediaType: 'application/json',
  schema: open({ error: open({ code: { type: 'string' }, message: { type: 'string' }, innererror: open({ code: { type: 'string' } }, ['code']) }, ['code', 'message']) }, ['error']),
};
