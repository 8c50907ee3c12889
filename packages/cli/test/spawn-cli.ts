/** Runs the built `confide` binary as a black box. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'src', 'bin.js');

/**
 * How long a spawned CLI may take, scaled by how loaded the machine is: `base` on an idle
 * machine, times the run queue per core when it is busier (2 cores shared by parallel test
 * runs start a server in 3 s one minute and 40 s the next), at most 10 × base. A process that
 * dies is reported at once, whatever the budget.
 */
export function loadScaled(base: number): number {
  const perCore = loadavg()[0]! / availableParallelism();
  return Math.round(base * Math.min(10, Math.max(1, perCore)));
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `confide <args>` to completion. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = loadScaled(30_000)): Promise<Run> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

export interface Served {
  child: ChildProcess;
  url: string;
  caCert: string;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** Starts `confide --json serve <args>` and resolves once it prints its listening line. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<Served> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, '--json', 'serve', '--log-level', 'warn', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    const budget = loadScaled(20_000);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`serve did not start within ${budget / 1000} s (load average ${loadavg()[0]})\n${stdout}\n${stderr}`));
    }, budget);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const msg = JSON.parse(line) as { event?: string; url?: string; caCert?: string };
        if (msg.event === 'listening') {
          clearTimeout(timer);
          ok({ child, url: msg.url!, caCert: msg.caCert!, output: () => ({ stdout, stderr }), exited });
          return;
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code} before listening\n${stdout}\n${stderr}`));
    });
  });
}
