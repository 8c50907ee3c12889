/**
 * Runs the marble's program with inherited stdio, forwards the usual termination and control
 * signals to it, and resolves to its exit code (128 + signal number when a signal killed it,
 * as shells report it).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { LauncherError } from './errors.js';

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];

export interface ProgramSpec {
  /** The resolved program file that is executed (and, for the simulated TEE, measured). */
  file: string;
  /** The whole command line, argv[0] included. */
  argv: string[];
  env: Record<string, string>;
}

/** Exit code for a signal death: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Spawns the program and resolves to its exit code. Throws ERR_LAUNCH_FAILED when it cannot start. */
export function runProgram(spec: ProgramSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    const forward = new Map<NodeJS.Signals, () => void>();
    // The OS-level handlers go in before the spawn: a signal in between would otherwise kill the
    // launcher with its default action and leave the program running, orphaned. Node runs the JS
    // handlers from the event loop, so `child` below is always set by the time one runs.
    for (const signal of FORWARDED_SIGNALS) {
      const handler = (): void => {
        // The program may have exited between the signal and this handler.
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      forward.set(signal, handler);
      process.on(signal, handler);
    }
    const stop = (): void => {
      for (const [signal, handler] of forward) process.off(signal, handler);
    };
    const [argv0, ...args] = spec.argv;
    const child = spawn(spec.file, args, { argv0: argv0 ?? spec.file, env: spec.env, stdio: 'inherit' });
    child.once('error', (err: NodeJS.ErrnoException) => {
      stop();
      reject(new LauncherError('ERR_LAUNCH_FAILED', `cannot start ${spec.file} (${err.code ?? err.message})`, { cause: err }));
    });
    child.once('exit', (code, signal) => {
      stop();
      resolve(signal ? signalExitCode(signal) : (code ?? 0));
    });
  });
}
