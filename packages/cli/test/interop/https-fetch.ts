/**
 * A fetch over node:https that trusts exactly one CA (no system roots, no global agent), for
 * clients that take an injected fetch, such as jose's createRemoteJWKSet `[customFetch]`.
 */
import { request } from 'node:https';

export interface CaFetchInit {
  method?: string;
  headers?: HeadersInit;
  body?: string;
  signal?: AbortSignal;
}

/** A fetch that trusts only `ca`; resolves to a WHATWG Response. */
export function caFetch(ca: string): (url: string, init?: CaFetchInit) => Promise<Response> {
  return (url, init = {}) =>
    new Promise((ok, fail) => {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, key) => (headers[key] = value));
      const req = request(url, { method: init.method ?? 'GET', headers, ca, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', fail);
        res.on('end', () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out.set(k, v);
          ok(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: out }));
        });
      });
      req.on('error', fail);
      req.end(init.body);
    });
}
