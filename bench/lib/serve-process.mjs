/**
 * Runs the built `confide serve` in its own process on 127.0.0.1 for a benchmark: a fresh data
 * directory, quiet logs, optional node flags (for example --cpu-prof; BENCH_SERVER_NODE_FLAGS adds
 * flags to every server a benchmark starts), and a bounded start and stop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/src/bin.js', import.meta.url));
const START_MS = 20_000;
const STOP_MS = 15_000;

/**
 * Starts `confide serve` with `args` after `--host 127.0.0.1 --port 0`; resolves to
 * { url, ca, pid, ledgerUrl?, stop() } once it prints its listening line, or rejects with its output.
 */
export function startServe(args, { nodeFlags = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-bench-'));
  const extraFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extraFlags, ...nodeFlags, BIN, '--json', 'serve', '--log-level', 'error', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
    const code = await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`confide serve did not start within ${START_MS / 1000} s: ${stderr.trim()}`));
    }, START_MS);
    child.stdout.on('data', (d) => {
      stdout += d;
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const msg = JSON.parse(line);
        if (msg.event !== 'listening') continue;
        clearTimeout(timer);
        resolve({ url: msg.url, ca: readFileSync(msg.caCert, 'utf8'), pid: child.pid, dataDir, stop, ...(msg.ledgerUrl ? { ledgerUrl: msg.ledgerUrl } : {}) });
        return;
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`confide serve exited (${code}) before listening: ${(stdout + stderr).trim()}`));
    });
  });
}
