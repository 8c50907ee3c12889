/** Documented exit codes of every `confide` command. */
import { isConfideError, type ErrorCode } from '@confide/core';

export const EXIT = {
  OK: 0,
  /** Usage or configuration error. */
  USAGE: 1,
  /** Verification failed or access denied. */
  DENIED: 2,
  /** Server or I/O error. */
  IO: 3,
} as const;

const USAGE_CODES = new Set<ErrorCode>(['ERR_CONFIG_INVALID', 'ERR_CONFIG_FILE_UNREADABLE', 'ERR_PRODUCTION_REFUSED', 'ERR_USAGE', 'ERR_INPUT_UNREADABLE']);

/** The exit code for an error: usage 1, verification 2, everything else 3. */
export function exitCodeFor(err: unknown): number {
  if (!isConfideError(err)) return EXIT.IO;
  if (USAGE_CODES.has(err.code)) return EXIT.USAGE;
  if (err.code.startsWith('ERR_EVIDENCE_') || err.code === 'ERR_COLLATERAL_MISSING' || err.code === 'ERR_COLLATERAL_MALFORMED') return EXIT.DENIED;
  return EXIT.IO;
}
