/**
 * A reader that stops early (`confide --help | head -1`, `| true`) closes the pipe; writing to it
 * then fails with EPIPE. That is the reader's choice, not a failure of ours: end quietly.
 */
import type { EventEmitter } from 'node:events';

/** Ends the process (through `exit`) on EPIPE from `stream`; any other stream error is rethrown. */
export function endQuietlyOnClosedOutput(stream: EventEmitter, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    else throw err;
  });
}
