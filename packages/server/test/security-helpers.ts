/**
 * A real HTTPS listener for the security tests, started through loadConfig and startServer as
 * `confide serve` does, in dev or production mode, and a raw HTTPS client that sends exactly
 * what an attacker would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { startServer, type RunningServer } from '../src/serve.js';
import { ensureLocalCa } from '../src/tls/local-ca.js';

export interface SecureServer {
  server: RunningServer;
  url: string;
  ca: string;
  dir: string;
  /** One HTTPS request; resolves to status, headers and the body text. */
  send(method: string, path: string, options?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

/** A strong static token for production servers (32 random bytes, hex). */
export const STATIC_TOKEN = randomBytes(32).toString('hex');

/** Starts a server on a free localhost port; `env` (or a function of the server's temporary directory, to write files there) and `flags` add to or override the mode's base settings. */
export async function startSecureServer(
  mode: 'dev' | 'production',
  extra: { env?: Record<string, string> | ((dir: string) => Record<string, string>); flags?: Record<string, string | number | boolean | string[]> } = {},
): Promise<SecureServer> {
  const dir = mkdtempSync(join(tmpdir(), `confide-sec-${mode}-`));
  const tls = await ensureLocalCa(join(dir, 'pki'), 'localhost');
  const base: Record<string, string> = { CONFIDE_MODE: mode, CONFIDE_DATA_DIR: join(dir, 'data'), CONFIDE_PORT: '0', CONFIDE_HOST: 'localhost', CONFIDE_LOG_LEVEL: 'silent' };
  if (mode === 'production') {
    const sealKey = join(dir, 'seal.key');
    writeFileSync(sealKey, randomBytes(32).toString('hex'), { mode: 0o600 });
    Object.assign(base, { CONFIDE_TLS_CERT: tls.certPath, CONFIDE_TLS_KEY: tls.keyPath, CONFIDE_SEAL_KEY_FILE: sealKey, CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN: STATIC_TOKEN });
    // No TEE on the test machine: the coordinator runs unattested on purpose (coordinator-self-attestation.test.ts covers the TEE).
    base['CONFIDE_COORDINATOR_UNATTESTED'] = 'true';
  }
  const env = typeof extra.env === 'function' ? extra.env(dir) : extra.env;
  const { config } = loadConfig({ env: { ...base, ...env }, flags: extra.flags ?? {} });
  const server = await startServer(config);
  // Dev mode without tls.cert issues its own certificate from a CA in the data directory.
  const ca = readFileSync(server.caCertPath ?? tls.caCertPath, 'utf8');
  const url = server.url;
  return {
    server,
    url,
    ca,
    dir,
    send: (method, path, options = {}) => send(url, ca, method, path, options),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One HTTPS request against `base`, trusting `ca`. */
export function send(base: string, ca: string, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, ca, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The Confide code of an error response, whichever surface's shape it has (MAA `{error:{code,message}}` with x-ms-error-code, or problem+json). */
export function confideCode(res: HttpResult): string | undefined {
  const body = res.json();
  const maaError = body['error'] as { innererror?: { code?: string } } | undefined;
  return (res.headers['x-confide-error-code'] as string | undefined) ?? maaError?.innererror?.code ?? (body['code'] as string | undefined);
}
