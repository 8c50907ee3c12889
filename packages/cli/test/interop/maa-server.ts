/** Starts the built `confide serve` as a black box on 127.0.0.1 with a fresh data directory, for the MAA interop tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServe, type Served } from '@confide/test-kit/process';

export interface MaaServer {
  /** `https://127.0.0.1:<port>`: the listen URL and the token issuer. */
  url: string;
  /** PEM of the generated local CA that issued the server certificate. */
  ca: string;
  caPath: string;
  dataDir: string;
  served: Served;
  /** SIGTERM, waits for exit, removes the data directory; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `confide serve --host 127.0.0.1` with `collateral` (absolute file paths) and extra flags. */
export async function startMaaServer(collateral: readonly string[], extraArgs: readonly string[] = [], env: Record<string, string> = {}): Promise<MaaServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-maa-interop-'));
  const args = ['--host', '127.0.0.1', '--port', String(await freePort()), '--data-dir', dataDir];
  if (collateral.length > 0) args.push('--collateral', collateral.join(','));
  const served = await startServe([...args, ...extraArgs], env);
  let stopped: Promise<number | null> | undefined;
  return {
    url: served.url,
    ca: readFileSync(served.caCert, 'utf8'),
    caPath: served.caCert,
    dataDir,
    served,
    stop() {
      stopped ??= (async () => {
        served.child.kill('SIGTERM');
        const code = await served.exited;
        rmSync(dataDir, { recursive: true, force: true });
        return code;
      })();
      return stopped;
    },
  };
}
