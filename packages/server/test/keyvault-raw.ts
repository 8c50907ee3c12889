/** Plain HTTPS requests to the key vault surface (what the SDK hides: statuses, headers, error bodies). */
import { request } from 'node:https';
import type { VaultServer } from './keyvault-helpers.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
  text: string;
}

/** A request function for `vault`; `token` null sends no Authorization header. */
export function raw(vault: Pick<VaultServer, 'port' | 'ca'>, token: string | null = 'any-token') {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port: vault.port,
          method,
          path: path.includes('?') ? path : `${path}?api-version=7.6`,
          ca: vault.ca,
          headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
          });
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
}
