/**
 * A child process whose output is collected: waits for a line, a timeout that kills it, and the
 * exit code with everything it printed. The spawned CLI, servers and helper scripts all run
 * through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadAverage, loadScaled } from './load.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  /** Resolves when the process has exited and its pipes are closed. */
  done: Promise<Run>;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /**
   * Resolves once `stream` (stdout by default) holds `text`; rejects at once when the process
   * exits before, or after `budgetMs` (the process is then killed; default: the process's own
   * timeout, or 20 s scaled by load when it has none).
   */
  waitFor(text: string | RegExp, options?: { stream?: 'stdout' | 'stderr'; budgetMs?: number }): Promise<void>;
}

export interface StartOptions {
  /** Variables over this process's environment; undefined removes one. */
  env?: Record<string, string | undefined>;
  /** Variables of this process's environment that the child must not inherit. */
  dropEnv?: (name: string) => boolean;
  cwd?: string;
  /** SIGKILL after this long (default: 30 s scaled by load; 0: never, the test stops it). */
  timeoutMs?: number;
}

/** Starts `command args` with its stdout and stderr collected. */
export function startProcess(command: string, args: readonly string[], options: StartOptions = {}): Started {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.dropEnv) for (const k of Object.keys(env)) if (options.dropEnv(k)) delete env[k];
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
  const out = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const onData = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
    out[stream] += d;
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData('stdout'));
  child.stderr!.on('data', onData('stderr'));
  const timeoutMs = options.timeoutMs ?? loadScaled(30_000);
  const timer = timeoutMs > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
  const done = new Promise<Run>((ok) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, ...out });
    }),
  );
  const waitFor: Started['waitFor'] = (text, { stream = 'stdout', budgetMs = timeoutMs > 0 ? timeoutMs : loadScaled(20_000) } = {}) =>
    new Promise<void>((ok, fail) => {
      const seen = (): boolean => (typeof text === 'string' ? out[stream].includes(text) : text.test(out[stream]));
      if (seen()) return ok();
      const finish = (error?: Error): void => {
        listeners.delete(check);
        clearTimeout(budget);
        if (error) fail(error);
        else ok();
      };
      const check = (): void => {
        if (seen()) finish();
      };
      const budget = setTimeout(() => {
        child.kill('SIGKILL');
        finish(new Error(`no ${String(text)} on ${stream} within ${budgetMs / 1000} s (load average ${loadAverage()})\n${out.stdout}\n${out.stderr}`));
      }, budgetMs);
      listeners.add(check);
      void done.then((r) => finish(new Error(`exited (${r.code}) before printing ${String(text)}\n${r.stdout}\n${r.stderr}`)));
    });
  return { child, done, output: () => ({ ...out }), waitFor };
}
