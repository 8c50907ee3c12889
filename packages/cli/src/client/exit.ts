/**
 * Exit codes of the coordinator commands: the CLI's usual mapping (exit-codes.ts), plus a
 * coordinator's "no" (401, 403, a refused recovery share, a policy or audit-log check) as 2 and
 * a refused input (invalid manifest or secret) as 1.
 */
import type { Command } from 'commander';
import { isConfideError, type ErrorCode } from '@confide/core';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import type { Output } from '../output.js';

const DENIED = new Set<ErrorCode>(['ERR_UNAUTHENTICATED', 'ERR_FORBIDDEN', 'ERR_POLICY_DENIED', 'ERR_AUDIT_LOG_INVALID', 'ERR_RECOVERY_SHARE_INVALID', 'ERR_ACTIVATION_REFUSED']);
const INPUT = new Set<ErrorCode>(['ERR_MANIFEST_INVALID', 'ERR_SECRET_INVALID', 'ERR_RECOVERY_KEYS_INVALID', 'ERR_VALIDATION']);

/** 0/1/2/3 for an error of a coordinator command. */
export function coordinatorExitCode(err: unknown): number {
  if (isConfideError(err) && DENIED.has(err.code)) return EXIT.DENIED;
  if (isConfideError(err) && INPUT.has(err.code)) return EXIT.USAGE;
  return exitCodeFor(err);
}

/**
 * Wraps a command action: a failure is printed and the process exits with coordinatorExitCode
 * (main() knows only the general mapping, which has no 403).
 */
export function clientAction<A extends unknown[]>(output: () => Output, action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      const code = coordinatorExitCode(err);
      if (code === exitCodeFor(err)) throw err;
      output().failure(err);
      process.exit(code);
    }
  };
}

/** The options of a command (commander passes the Command last). */
export function optsOf<T>(cmd: Command): T {
  return cmd.opts() as T;
}
