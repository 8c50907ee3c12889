import { StoreError } from '../errors.js';

/** A PostgreSQL URL as it may be logged: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL: say nothing of it, it may be a password typed in the wrong place.
    return '(an unparseable PostgreSQL URL)';
  }
}

/**
 * How long opening a connection may take when the URL does not say. A server that accepts the
 * connection and never answers (a hung PostgreSQL, the wrong port, a proxy that holds it) would
 * otherwise hold the store's opening, and each transaction that waits for a new connection, for good.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * `name`'s value in the URL's query, and the URL without it (what the driver sees); null (and the
 * URL as given) when the URL has none or is not a URL (the driver then says what is wrong with it).
 */
function takeParam(url: string, name: string): { url: string; value: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, value: null };
  }
  const value = parsed.searchParams.get(name);
  if (value === null) return { url, value };
  parsed.searchParams.delete(name);
  return { url: parsed.toString(), value };
}

/** The URL's `schema` query parameter (one database, several deployments), taken out of the URL the driver sees. */
export function schemaOfUrl(url: string): { url: string; schema?: string } {
  const taken = takeParam(url, 'schema');
  return taken.value === null ? { url } : { url: taken.url, schema: taken.value };
}

/**
 * The URL's `connect_timeout`, libpq's parameter (whole seconds; 0 or less: no limit; 1 counts as
 * 2, libpq's least), in milliseconds, taken out of the URL the driver sees; DEFAULT_CONNECT_TIMEOUT_MS
 * when the URL has none. Throws ERR_CONFIG_INVALID for a value that is not a whole number.
 */
export function connectTimeoutOfUrl(url: string): { url: string; connectTimeoutMs: number } {
  const taken = takeParam(url, 'connect_timeout');
  if (taken.value === null) return { url, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS };
  const given = taken.value.trim();
  if (!/^[+-]?\d{1,9}$/.test(given)) {
    throw new StoreError('ERR_CONFIG_INVALID', `the PostgreSQL URL's connect_timeout is not a whole number of seconds: ${JSON.stringify(taken.value)}`, { details: { field: 'connect_timeout' } });
  }
  const seconds = Number(given);
  return { url: taken.url, connectTimeoutMs: seconds <= 0 ? 0 : Math.max(seconds, 2) * 1000 };
}
