/**
 * The same server as `confide serve`, started in this process through @confide/server's
 * startServer, for measuring a route with app.inject: no socket, no TLS, no HTTP parsing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError } from './harness.mjs';

/** { inject(opts), close() } on 127.0.0.1 with `collateralBytes` (a collateral file's bytes) in memory, or { reason }; `flags` add settings (e.g. `store`). */
export async function startInProcess(collateralBytes, flags = {}) {
  let server;
  let ev;
  try {
    [server, ev] = await Promise.all([import('@confide/server'), import('@confide/evidence')]);
  } catch (err) {
    return { reason: `cannot load @confide/server (run npm run build): ${describeError(err)}` };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-bench-inproc-'));
  try {
    const { config } = server.loadConfig({ env: {}, flags: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', ...flags } });
    const collateral = ev.memoryCollateral(ev.collateralItemsFromBytes(collateralBytes) ?? []);
    const running = await server.startServer(config, { collateral });
    return {
      inject: (opts) => running.app.inject(opts),
      close: async () => {
        await running.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    return { reason: `startServer: ${describeError(err)}` };
  }
}
