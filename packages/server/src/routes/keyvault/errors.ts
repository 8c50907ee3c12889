/**
 * Key Vault's wire errors: `{"error":{"code":"KeyNotFound","message":"…"}}` with the HTTP status
 * of the problem. `code` is the service's name; Confide's stable ERR_* code leads the message
 * and is repeated in `innererror.code`, so clients and tests can branch on it.
 */
import type { KnownErrorCode } from '../../errors/index.js';
import type { ErrorResponse } from '../../plugins/error-responses.js';
import type { ErrorSerializer, Problem } from '../../plugins/problem.js';

const KEYVAULT_CODES: Partial<Record<KnownErrorCode, string>> = {
  ERR_KEY_NOT_FOUND: 'KeyNotFound',
  ERR_KEY_BAD_PARAMETER: 'BadParameter',
  ERR_KEY_BACKUP_INVALID: 'BadParameter',
  ERR_VALIDATION: 'BadParameter',
  ERR_BODY_MALFORMED: 'BadParameter',
  ERR_INPUT_UNREADABLE: 'BadParameter',
  ERR_LIMIT_EXCEEDED: 'BadParameter',
  ERR_UNSUPPORTED_MEDIA_TYPE: 'BadParameter',
  ERR_BODY_TOO_LARGE: 'RequestEntityTooLarge',
  ERR_KEY_OPERATION_FORBIDDEN: 'Forbidden',
  ERR_FORBIDDEN: 'Forbidden',
  ERR_KEY_RELEASE_NOT_EXPORTABLE: 'Forbidden',
  ERR_KEY_RELEASE_POLICY_DENIED: 'Forbidden',
  ERR_KEY_RELEASE_ISSUER_UNTRUSTED: 'Forbidden',
  ERR_UNAUTHENTICATED: 'Unauthorized',
  ERR_KEY_CONFLICT: 'Conflict',
  ERR_STORE_CONFLICT: 'Conflict',
  ERR_KEYVAULT_ALREADY_ACTIVATED: 'Conflict',
  ERR_KEYVAULT_NOT_ACTIVATED: 'Conflict',
  ERR_NOT_FOUND: 'NotFound',
  ERR_METHOD_NOT_ALLOWED: 'MethodNotAllowed',
  ERR_SERVICE_UNAVAILABLE: 'ServiceUnavailable',
  ERR_STORE_UNAVAILABLE: 'ServiceUnavailable',
};

/** The Key Vault code for a problem. */
export function keyVaultErrorCode(problem: Problem): string {
  return KEYVAULT_CODES[problem.code] ?? (problem.status >= 500 ? 'InternalServerError' : 'BadParameter');
}

export const keyVaultSerializer: ErrorSerializer = (problem, _request, reply) => {
  const code = keyVaultErrorCode(problem);
  void reply
    .code(problem.status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message: `${problem.code}: ${problem.message}`, innererror: { code: problem.code } } });
};

const open = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required, additionalProperties: true });

/** Key Vault's error body, for the OpenAPI description. */
export const keyVaultErrorResponse: ErrorResponse = {
  description: 'Key Vault error; `innererror.code` is the stable ERR_* code (docs/errors.md).',
  mediaType: 'application/json',
  schema: open({ error: open({ code: { type: 'string' }, message: { type: 'string' }, innererror: open({ code: { type: 'string' } }, ['code']) }, ['code', 'message']) }, ['error']),
};
