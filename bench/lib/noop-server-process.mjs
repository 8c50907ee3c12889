/** Starts bench/lib/noop-server.mjs in its own process: { url, ca, pid, stop() } once it listens. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const NOOP = fileURLToPath(new URL('./noop-server.mjs', import.meta.url));

export function startNoop() {
  const child = spawn(process.execPath, [NOOP], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...JSON.parse(line), pid: child.pid, stop: async () => (child.kill('SIGTERM'), await exited) });
    });
    exited.then((code) => reject(new Error(`the no-op server exited (${code})`)));
  });
}
