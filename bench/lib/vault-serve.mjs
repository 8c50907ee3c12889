/**
 * What the key vault benchmarks share: a dev-mode `confide serve` with a client whose bearer
 * token dev mode accepts with every role, and the server's CPU time per request it served
 * while a measurement ran.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError } from './harness.mjs';
import { httpsClient } from './https-client.mjs';
import { processCpu } from './proc-cpu.mjs';
import { startServe } from './serve-process.mjs';
import { printSkipped } from './table.mjs';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/src/bin.js', import.meta.url));

/** { server, client } of a fresh dev-mode server, or undefined after printing why `title` is skipped. */
export async function startVaultServe(title) {
  if (!existsSync(BIN)) return printSkipped(title, `${BIN} not built (run npm run build)`);
  try {
    const server = await startServe([]);
    return { server, client: httpsClient(server.url, server.ca, { authorization: 'Bearer bench' }) };
  } catch (err) {
    return printSkipped(title, `cannot start confide serve: ${describeError(err)}`);
  }
}

/** Runs `work`; then the server's CPU per request served meanwhile ({ totalMs, mainMs, served }), undefined where /proc is unreadable. */
export async function servedCpu({ server, client }, work) {
  const before = processCpu(server.pid);
  const served0 = client.requests();
  await work();
  const after = processCpu(server.pid);
  const served = client.requests() - served0;
  if (!before || !after || served === 0) return undefined;
  return { totalMs: (after.mainMs + after.otherMs - before.mainMs - before.otherMs) / served, mainMs: (after.mainMs - before.mainMs) / served, served };
}
