/** `confide serve`: every service on one HTTPS listener. */
import type { Command } from 'commander';
import { combineCollateral, emptyCollateral, onlineCollateral, type CollateralProvider } from '@confide/evidence';
import { loadConfig, startServer, type Config } from '@confide/server';
import { loadCollateral } from '../collateral/load-files.js';
import type { Output } from '../output.js';
import { addConfigFlags, configFlags } from './config-flags.js';
import { readTrustAnchors } from './trust-anchors.js';

const DEV_WARNING =
  'WARNING: dev mode. A generated local CA, the simulated TEE and permissive defaults are enabled. ' +
  'Never use dev mode for real secrets; start with --mode production.';

/** Offline files first, then (when enabled) Intel PCS / AMD KDS. Throws ERR_INPUT_UNREADABLE naming a bad file. */
async function collateralProvider(config: Config): Promise<CollateralProvider> {
  const providers: CollateralProvider[] = [];
  if (config.collateral && config.collateral.length > 0) providers.push(await loadCollateral(config.collateral));
  if (config.collateralOnline) providers.push(onlineCollateral());
  return providers.length === 0 ? emptyCollateral : combineCollateral(...providers);
}

export function serveCommand(program: Command, output: () => Output): void {
  addConfigFlags(
    program
      .command('serve')
      .description('Start the Confide services (attestation, coordinator) on one HTTPS listener.'),
  ).action(async (opts: Record<string, unknown>) => {
    const out = output();
    const { config } = loadConfig({ file: opts['config'] as string | undefined, env: process.env, flags: configFlags(opts) });
    if (config.mode === 'dev') out.note(DEV_WARNING);
    const trustAnchors = config.evidence.roots === undefined ? undefined : await readTrustAnchors(config.evidence.roots, '--evidence-roots');
    if (trustAnchors) out.note(`WARNING: the pinned Intel and AMD roots are replaced by the certificates in ${config.evidence.roots} (testing only).`);
    const server = await startServer(config, { collateral: await collateralProvider(config), trustAnchors });
    // Signal handlers go in before the listening line is printed: whoever reads that line may
    // signal at once, and a signal with no listener kills the process without a clean close.
    let stopping = false;
    const stopped = new Promise<void>((resolveStop) => {
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) {
          out.note(`${signal} again: exiting now`);
          process.exit(1);
        }
        stopping = true;
        out.note(`${signal}: finishing in-flight requests, then closing the store`);
        server.close().then(resolveStop, (err: unknown) => {
          out.failure(err);
          process.exit(3);
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    const info = { ok: true, event: 'listening', url: server.url, mode: config.mode, dataDir: config.dataDir, caCert: server.caCertPath };
    const trust = server.caCertPath
      ? [
          `Local CA certificate: ${server.caCertPath}`,
          `Trust it:  curl --cacert ${server.caCertPath} ${server.url}/healthz`,
          `           NODE_EXTRA_CA_CERTS=${server.caCertPath} node your-client.js`,
        ]
      : [];
    out.result(info, [`Confide listening on ${server.url} (${config.mode} mode)`, ...trust, `API description: ${server.url}/docs`].join('\n'));
    await stopped;
    out.note('stopped');
  });
}
