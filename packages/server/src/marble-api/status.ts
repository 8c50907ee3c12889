/**
 * The gRPC status of a refused activation, as MarbleRun's Activate answers
 * (edgelesssys/marblerun coordinator/core/marbleapi.go): FailedPrecondition for the state,
 * Unauthenticated without a client certificate, PermissionDenied when the marble's verification
 * fails (unknown type, quote, package, binding, MaxActivations), InvalidArgument for a bad UUID
 * (and here a bad message or CSR, which MarbleRun answers with Internal), Internal otherwise.
 * Confide's code rides in the trailer `confide-error-code`.
 */
import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import { isConfideError } from '@confide/core';

/** The trailer that carries Confide's ERR_* code. */
export const ERROR_CODE_TRAILER = 'confide-error-code';

const VERIFICATION = new Set(['ERR_ACTIVATION_REFUSED', 'ERR_MAX_ACTIVATIONS']);

function statusOf(code: string): status {
  if (code === 'ERR_COORDINATOR_STATE') return status.FAILED_PRECONDITION;
  if (code === 'ERR_UNAUTHENTICATED') return status.UNAUTHENTICATED;
  if (code === 'ERR_VALIDATION') return status.INVALID_ARGUMENT;
  if (VERIFICATION.has(code) || code.startsWith('ERR_EVIDENCE_') || code.startsWith('ERR_COLLATERAL_')) return status.PERMISSION_DENIED;
  return status.INTERNAL;
}

/** The gRPC error for `err`: its status, MarbleRun's wording, and the code in the trailer. */
export function grpcError(err: unknown): ServerErrorResponse {
  const code = isConfideError(err) ? err.code : 'ERR_INTERNAL';
  const grpcStatus = statusOf(code);
  const exposed = isConfideError(err) && err.expose ? err.message : 'internal error';
  const prefix = grpcStatus === status.PERMISSION_DENIED ? 'marble verification failed: ' : grpcStatus === status.FAILED_PRECONDITION ? 'cannot accept marbles in current state: ' : '';
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_TRAILER, code);
  return Object.assign(new Error(prefix + exposed), { code: grpcStatus, details: prefix + exposed, metadata });
}
