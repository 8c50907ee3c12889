/**
 * MAA's wire errors: `{"error":{"code":"…","message":"…"}}` (CloudError) with the HTTP status
 * of the problem. `code` is an MAA-style name; Confide's stable ERR_* code leads the message
 * and is repeated in `innererror.code` (a CloudError field the SDK ignores), so clients and
 * tests can branch on it.
 */
import type { KnownErrorCode } from '../../errors/index.js';
import type { ErrorSerializer, Problem } from '../../plugins/problem.js';

/**
 * The MAA code for a Confide code, as MAA's troubleshooting guide documents them: evidence or
 * collateral that fails is InvalidParameter, a policy syntax error PolicyParsingError, a denial
 * PolicyEvaluationError, an unsigned or wrongly signed request in isolated mode InvalidOperation.
 * Anything not listed is named after its HTTP status.
 */
const MAA_CODES: Partial<Record<KnownErrorCode, string>> = {
  ERR_VALIDATION: 'InvalidParameter',
  ERR_LIMIT_EXCEEDED: 'InvalidParameter',
  ERR_BODY_MALFORMED: 'InvalidParameter',
  ERR_INPUT_UNREADABLE: 'InvalidParameter',
  ERR_UNSUPPORTED_MEDIA_TYPE: 'UnsupportedMediaType',
  ERR_BODY_TOO_LARGE: 'RequestEntityTooLarge',
  ERR_NOT_FOUND: 'NotFound',
  ERR_METHOD_NOT_ALLOWED: 'MethodNotAllowed',
  ERR_EVIDENCE_MALFORMED: 'InvalidParameter',
  ERR_EVIDENCE_UNSUPPORTED: 'InvalidParameter',
  ERR_EVIDENCE_SIGNATURE_INVALID: 'InvalidParameter',
  ERR_EVIDENCE_CHAIN_INVALID: 'InvalidParameter',
  ERR_EVIDENCE_UNTRUSTED_ROOT: 'InvalidParameter',
  ERR_EVIDENCE_REVOKED: 'InvalidParameter',
  ERR_EVIDENCE_BINDING_MISMATCH: 'InvalidParameter',
  ERR_COLLATERAL_MISSING: 'InvalidParameter',
  ERR_COLLATERAL_MALFORMED: 'InvalidParameter',
  ERR_COLLATERAL_FETCH_FAILED: 'CollateralUnavailable',
  ERR_POLICY_SYNTAX: 'PolicyParsingError',
  ERR_POLICY_INVALID: 'PolicyParsingError',
  ERR_POLICY_EVALUATION_FAILED: 'PolicyEvaluationError',
  ERR_POLICY_DENIED: 'PolicyEvaluationError',
  ERR_UNAUTHENTICATED: 'Unauthorized',
  ERR_POLICY_TOKEN_INVALID: 'InvalidParameter',
  ERR_POLICY_SIGNER_UNTRUSTED: 'InvalidOperation',
  ERR_POLICY_REPLAYED: 'Conflict',
  ERR_POLICY_RESERVED_CLAIM: 'InvalidParameter',
  ERR_OPERATION_NOT_ALLOWED: 'InvalidOperation',
  ERR_INTERNAL: 'InternalServerError',
  ERR_SERVICE_UNAVAILABLE: 'ServiceUnavailable',
  ERR_STORE_UNAVAILABLE: 'ServiceUnavailable',
};

/** The MAA code for a problem. */
export function maaErrorCode(problem: Problem): string {
  return MAA_CODES[problem.code] ?? (problem.status >= 500 ? 'InternalServerError' : 'BadRequest');
}

/** MAA's CloudError format, the MAA surface's error serializer. */
export const maaSerializer: ErrorSerializer = (problem, _request, reply) => {
  const code = maaErrorCode(problem);
  void reply
    .code(problem.status)
    .header('x-ms-error-code', code)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message: `${problem.code}: ${problem.message}`, innererror: { code: problem.code, ...(problem.details ? { details: problem.details } : {}) } } });
};
