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
 * The URL's `connect_timeout`, libpq's parameter (whole seconds; 0 or less: no limit; 1 counts as
 * 2, libpq's least), in milliseconds, taken out of the URL the driver sees; DEFAULT_CONNECT_TIMEOUT_MS
 * when the URL has none. Throws ERR_CONFIG_INVALID for a value that is not a whole number.
 */
export function connectTimeoutOfUrl(url: string): { url: string; connectTimeoutMs: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS };
  }
  const given = parsed.searchParams.get('connect_timeout');
  if (given === null) return { url, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS };
  if (!/^[+-]?\d{1,9}$/.test(given.trim())) {
    throw new StoreError('ERR_CONFIG_INVALID', `the PostgreSQL URL's connect_timeout is not a whole number of seconds: ${JSON.stringify(given)}`, { details: { field: 'connect_timeout' } });
  }
  parsed.searchParams.delete('connect_timeout');
  const seconds = Number(given.trim());
  return { url: parsed.toString(), connectTimeoutMs: seconds <= 0 ? 0 : Math.max(seconds, 2) * 1000 };
}
