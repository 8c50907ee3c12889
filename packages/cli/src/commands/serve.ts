/** `confide serve`: parses the configuration and starts the server (every service on one HTTPS listener). */
import type { Command } from 'commander';
import { loadConfig, startServer } from '@confide/server';
import type { Output } from '../output.js';
import { addConfigFlags, configFlags } from './config-flags.js';
import { SUMMARIES } from './summaries.js';

export function serveCommand(program: Command, output: () => Output): void {
  addConfigFlags(
    program
      .command('serve')
      .description(SUMMARIES.serve),
  ).action(async (opts: Record<string, unknown>) => {
    const out = output();
    const { config } = loadConfig({ file: opts['config'] as string | undefined, env: process.env, flags: configFlags(opts) });
    // The server builds everything from the configuration; this command only parses it and starts it.
    const server = await startServer(config, { warn: (warning) => out.note(`WARNING: ${warning}`) });
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
    const info = { ok: true, event: 'listening', url: server.url, urls: server.urls, mode: config.mode, dataDir: config.dataDir, caCert: server.caCertPath, ...(server.metricsUrl ? { metrics: server.metricsUrl } : {}), ...(server.ledgerUrl ? { ledgerUrl: server.ledgerUrl } : {}), marbleApi: server.marbleApi, ...(server.clientApiUrl ? { clientApi: server.clientApiUrl } : {}) };
    const trust = server.caCertPath
      ? [
          `Local CA certificate: ${server.caCertPath}`,
          `Trust it:  curl --cacert ${server.caCertPath} ${server.url}/healthz`,
          `           NODE_EXTRA_CA_CERTS=${server.caCertPath} node your-client.js`,
        ]
      : [];
    const ledger = server.ledgerUrl
      ? [`Confidential Ledger: ${server.ledgerUrl} (its certificate chains to the identity at ${server.url}/ledgerIdentity/${config.ledger.id})`]
      : [];
    // With --json the listening event is one more JSON line on stdout; the human banner goes to
    // stderr, so stdout carries only log lines.
    if (out.json) out.result(info, '');
    else out.note([`Confide listening on ${server.urls.join(', ')} (${config.mode} mode)`, ...trust, ...ledger, ...(server.marbleApi ? [`MarbleRun marble API (gRPC): ${server.marbleApi}`] : []), `API description: ${server.url}/docs`, ...(server.metricsUrl ? [`Metrics: ${server.metricsUrl}`] : []), ...(server.clientApiUrl ? [`MarbleRun client API (TLS certificate: the coordinator root): ${server.clientApiUrl}`] : [])].join('\n'));
    await stopped;
    out.note('stopped');
  });
}
