/** The launcher's own exit codes, before the program runs (after that, the program's code is passed on). */
import { exitCodeFor, EXIT } from '../exit-codes.js';
import { isRefusal } from '@confide/launcher';

/** 2 when the coordinator refused the activation, else the CLI's usual mapping (1 usage, 2 denied, 3 I/O). */
export function launcherExitCode(err: unknown): number {
  return isRefusal(err) ? EXIT.DENIED : exitCodeFor(err);
}
