/**
 * The console's only way to the server: same-origin fetch of the same APIs any client calls,
 * with the signed-in bearer token, so the console can do nothing the API would not allow.
 */

/** A refusal from the server: its HTTP status and, when the body names one, the error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The code and message of an error body in any of the server's wire formats (problem+json, MAA CloudError, JSend, Key Vault, ledger). */
function describe(body: unknown): { code: string | undefined; message: string | undefined } {
  if (body === null || typeof body !== 'object') return { code: undefined, message: undefined };
  const o = body as Record<string, unknown>;
  const inner = (o['error'] ?? o['data']) as Record<string, unknown> | undefined;
  const pick = (...values: unknown[]): string | undefined => values.find((v): v is string => typeof v === 'string');
  // MAA's CloudError names its own code first and Confide's in innererror: Confide's stable ERR_* wins.
  const codes = [o['code'], inner?.['code'], (inner?.['innererror'] as Record<string, unknown> | undefined)?.['code']].filter((v): v is string => typeof v === 'string');
  const code = codes.find((c) => c.startsWith('ERR_')) ?? codes[0];
  return { code, message: pick(o['detail'], o['message'], inner?.['message']) };
}

export interface Api {
  json<T>(path: string, init?: RequestInit): Promise<T>;
  text(path: string, init?: RequestInit): Promise<string>;
}

/** `token()` gives the bearer token to send, or undefined for none. */
export function createApi(token: () => string | undefined): Api {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const t = token();
    if (t !== undefined && !headers.has('authorization')) headers.set('authorization', `Bearer ${t}`);
    const res = await fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-store' });
    if (!res.ok) {
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const { code, message } = describe(body);
      throw new ApiError(res.status, code, message ?? `${res.status} ${res.statusText}`);
    }
    return res;
  }
  return {
    async json<T>(path: string, init?: RequestInit) {
      return (await (await call(path, init)).json()) as T;
    },
    async text(path: string, init?: RequestInit) {
      return (await call(path, init)).text();
    },
  };
}
