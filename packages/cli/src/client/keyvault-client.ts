/**
 * The key vault's REST API as the CLI calls it: HTTPS with a bearer token, JSON in and out, Key
 * Vault errors turned back into their ERR_* codes (innererror.code). The token is sent, never printed.
 */
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { Option, type Command } from 'commander';
import { CliError, isKnownErrorCode } from '../errors.js';

export interface KeyVaultFlags {
  vault?: string;
  ca?: string;
  token?: string;
  timeout?: string;
}

/** The API version the CLI sends (the server accepts any). */
const API_VERSION = '7.6';
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** Adds --vault, --ca, --token and --timeout. */
export function addKeyVaultOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--vault <url>', 'the vault URL (a `confide serve` listener)').env('CONFIDE_KEYVAULT_URL').default('https://localhost:8443'))
    .addOption(new Option('--ca <file>', "PEM certificate(s) of the CA that issued the server's TLS certificate (dev mode: <data-dir>/tls/ca.pem)").env('CONFIDE_CA'))
    .addOption(new Option('--token <token>', 'bearer token (dev mode accepts any); never printed').env('CONFIDE_KEYVAULT_TOKEN').default('dev'))
    .addOption(new Option('--timeout <seconds>', 'give up after this long').default('60'));
}

/** The parts of the service's answers the CLI reads. */
export interface WireKeyBundle {
  key: { kid: string; kty: string; crv?: string; key_ops?: string[] };
  attributes: { enabled: boolean; exportable?: boolean };
  tags?: Record<string, string>;
  release_policy?: { immutable?: boolean };
  deletedDate?: number;
  scheduledPurgeDate?: number;
}

export interface WireKeyItem {
  kid: string;
  attributes: { enabled: boolean };
  deletedDate?: number;
}

export interface WirePage {
  value?: WireKeyItem[];
  nextLink?: string | null;
}

interface WireError {
  error?: { message?: unknown; innererror?: { code?: unknown } };
}

export class KeyVaultClient {
  private constructor(
    private readonly url: URL,
    private readonly ca: string | undefined,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  /** Reads the flags. Throws ERR_USAGE, ERR_INPUT_UNREADABLE. */
  static async open(flags: KeyVaultFlags): Promise<KeyVaultClient> {
    let url: URL;
    try {
      url = new URL(flags.vault ?? 'https://localhost:8443');
    } catch {
      throw new CliError('ERR_USAGE', `--vault ${flags.vault}: not a URL`);
    }
    if (url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '')) throw new CliError('ERR_USAGE', '--vault must be an https URL of the server root, e.g. https://localhost:8443');
    let ca: string | undefined;
    if (flags.ca) {
      try {
        ca = await readFile(flags.ca, 'utf8');
      } catch (err) {
        throw new CliError('ERR_INPUT_UNREADABLE', `--ca ${flags.ca}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    const seconds = Number(flags.timeout ?? '60');
    if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError('ERR_USAGE', '--timeout must be a positive number of seconds');
    if (!flags.token) throw new CliError('ERR_USAGE', '--token (or CONFIDE_KEYVAULT_TOKEN) is required');
    return new KeyVaultClient(url, ca, flags.token, seconds * 1000);
  }

  /** Sends a request; the answer's JSON, or a CliError with the server's ERR_* code. Throws ERR_SERVICE_UNAVAILABLE when unreachable. */
  call<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const sep = path.includes('?') ? '&' : '?';
    return new Promise((resolve, reject) => {
      const req = request(
        {
          method,
          host: this.url.hostname.replace(/^\[|\]$/g, ''),
          port: this.url.port || 443,
          path: `${path}${sep}api-version=${API_VERSION}`,
          ...(this.ca ? { ca: this.ca } : {}),
          timeout: this.timeoutMs,
          headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
            else chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text === '' ? undefined : (JSON.parse(text) as unknown);
            } catch {
              json = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(json as T);
            const error = (json as WireError | undefined)?.error;
            const inner = error?.innererror?.code;
            const code = typeof inner === 'string' && isKnownErrorCode(inner) ? inner : status === 401 ? 'ERR_UNAUTHENTICATED' : status === 403 ? 'ERR_FORBIDDEN' : 'ERR_SERVICE_UNAVAILABLE';
            const message = typeof error?.message === 'string' ? error.message.replace(/^ERR_[A-Z0-9_]+: /, '') : `HTTP ${status}`;
            reject(new CliError(code, `key vault: ${message}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
      req.on('error', (err) => reject(new CliError('ERR_SERVICE_UNAVAILABLE', `cannot reach the key vault at ${this.url.origin}: ${(err as Error).message}`)));
      if (payload) req.write(payload);
      req.end();
    });
  }
}
