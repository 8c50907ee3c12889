/** Documented exit codes of every `confide` command. */
import { isConfideError, type ErrorCode } from '@confide/core';
import type { KnownErrorCode } from './errors.js';

export const EXIT = {
  OK: 0,
  /** Usage or configuration error, or input the server refused as invalid. */
  USAGE: 1,
  /** Verification failed or access denied. */
  DENIED: 2,
  /** Server or I/O error. */
  IO: 3,
} as const;

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<KnownErrorCode>([
  'ERR_CONFIG_INVALID',
  'ERR_CONFIG_FILE_UNREADABLE',
  'ERR_PRODUCTION_REFUSED',
  'ERR_USAGE',
  'ERR_INPUT_UNREADABLE',
  'ERR_MANIFEST_INVALID',
  'ERR_SECRET_INVALID',
  'ERR_RECOVERY_KEYS_INVALID',
  'ERR_VALIDATION',
]);

const DENIED_CODES: ReadonlySet<ErrorCode> = new Set<KnownErrorCode>([
  'ERR_COLLATERAL_MISSING',
  'ERR_COLLATERAL_MALFORMED',
  'ERR_UNAUTHENTICATED',
  'ERR_FORBIDDEN',
  'ERR_POLICY_DENIED',
  'ERR_AUDIT_LOG_INVALID',
  'ERR_LEDGER_RECEIPT_MALFORMED',
  'ERR_LEDGER_RECEIPT_INVALID',
  'ERR_LEDGER_ENDORSEMENT_INVALID',
  'ERR_LEDGER_INCONSISTENT',
  'ERR_LEDGER_TX_ALTERED',
  'ERR_LEDGER_TX_OUT_OF_SEQUENCE',
  'ERR_LEDGER_ROOT_MISMATCH',
  'ERR_LEDGER_SIGNATURE_INVALID',
  'ERR_LEDGER_TRUNCATED',
  'ERR_LEDGER_EXPORT_MALFORMED',
  'ERR_RECOVERY_SHARE_INVALID',
  'ERR_ACTIVATION_REFUSED',
]);

/** The exit code for an error: usage or refused input 1, verification or denial 2, everything else 3. */
export function exitCodeFor(err: unknown): number {
  if (!isConfideError(err)) return EXIT.IO;
  if (USAGE_CODES.has(err.code)) return EXIT.USAGE;
  if (err.code.startsWith('ERR_EVIDENCE_') || DENIED_CODES.has(err.code)) return EXIT.DENIED;
  return EXIT.IO;
}
