/** A dev-mode `confide serve` in process over HTTPS, and official Key Vault clients pointed at it. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyClient, type KeyClientOptions } from '@azure/keyvault-keys';
import { loadConfig, startServer, type RunningServer } from '../src/index.js';

export const credential = { getToken: async () => ({ token: 'any-token', expiresOnTimestamp: Date.now() + 3600_000 }) };

export interface VaultServer {
  server: RunningServer;
  dir: string;
  url: string;
  port: number;
  ca: string;
  /** A KeyClient on 127.0.0.1 with disableChallengeResourceVerification. */
  client(options?: KeyClientOptions): KeyClient;
}

/** Starts a dev server with a data directory of its own; `env` adds configuration. */
export async function startVault(env: Record<string, string> = {}): Promise<VaultServer> {
  const dir = mkdtempSync(join(tmpdir(), 'confide-keyvault-'));
  const { config } = loadConfig({ env: { CONFIDE_MODE: 'dev', CONFIDE_HOST: '127.0.0.1', CONFIDE_PORT: '0', CONFIDE_DATA_DIR: dir, CONFIDE_LOG_LEVEL: 'silent', ...env } });
  const server = await startServer(config);
  const port = Number(new URL(server.url).port);
  const ca = readFileSync(server.caCertPath!, 'utf8');
  return {
    server,
    dir,
    url: server.url,
    port,
    ca,
    client: (options = {}) => new KeyClient(server.url, credential, { tlsOptions: { ca }, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 }, ...options }),
  };
}
