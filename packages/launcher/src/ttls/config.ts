/**
 * MARBLE_TTLS_CONFIG as the coordinator writes it (MarbleRun coordinator/core/marbleapi.go
 * setTTLSConfig): `{"tls":{"Incoming":{"*:<port>":{cacrt,clicrt,clikey,clientAuth}},
 * "Outgoing":{"<addr>:<port>":{cacrt,clicrt,clikey}}}}`, PEM strings; the CA is the Marble root.
 */
import { LauncherError } from '../errors.js';

export interface TtlsIncoming {
  /** The MARBLE_TTLS_CONFIG key, `*:<port>`. */
  entry: string;
  port: number;
  ca: string;
  cert: string;
  privateKey: string;
  clientAuth: boolean;
}

export interface TtlsOutgoing {
  /** The MARBLE_TTLS_CONFIG key, `<addr>:<port>`. */
  entry: string;
  host: string;
  port: number;
  ca: string;
  cert: string;
  privateKey: string;
}

export interface TtlsConfig {
  incoming: TtlsIncoming[];
  outgoing: TtlsOutgoing[];
}

function invalid(why: string): LauncherError {
  return new LauncherError('ERR_TTLS_PROXY_FAILED', `MARBLE_TTLS_CONFIG cannot be applied: ${why}`, { details: { reason: 'config' } });
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${at} is not an object`);
  return value as Record<string, unknown>;
}

function pem(entry: Record<string, unknown>, field: string, at: string): string {
  const value = entry[field];
  if (typeof value !== 'string' || !value.includes('-----BEGIN ')) throw invalid(`${at}.${field} is not PEM`);
  return value;
}

/** `host:port` (the host may be `*`, a name, IPv4 or a bracketed IPv6 literal). */
function splitAddress(key: string): { host: string; port: number } {
  const colon = key.lastIndexOf(':');
  const host = key.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const portText = key.slice(colon + 1);
  const port = Number(portText);
  if (colon <= 0 || !/^[0-9]{1,5}$/.test(portText) || port < 1 || port > 65535 || host === '') throw invalid(`${JSON.stringify(key)} is not host:port`);
  return { host, port };
}

/** Parses the variable's text. Throws ERR_TTLS_PROXY_FAILED (details.reason config). */
export function parseTtlsConfig(text: string): TtlsConfig {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  const tls = object(object(root, 'the value').tls, 'tls');
  const incoming = Object.entries(tls.Incoming === undefined || tls.Incoming === null ? {} : object(tls.Incoming, 'tls.Incoming')).map(([key, value]): TtlsIncoming => {
    const e = object(value, `Incoming ${key}`);
    const { host, port } = splitAddress(key);
    if (host !== '*') throw invalid(`Incoming ${JSON.stringify(key)} does not listen on every address (*)`);
    if (e.clientAuth !== undefined && typeof e.clientAuth !== 'boolean') throw invalid(`Incoming ${key}.clientAuth is not a boolean`);
    return { entry: key, port, ca: pem(e, 'cacrt', `Incoming ${key}`), cert: pem(e, 'clicrt', `Incoming ${key}`), privateKey: pem(e, 'clikey', `Incoming ${key}`), clientAuth: e.clientAuth !== false };
  });
  const outgoing = Object.entries(tls.Outgoing === undefined || tls.Outgoing === null ? {} : object(tls.Outgoing, 'tls.Outgoing')).map(([key, value]): TtlsOutgoing => {
    const e = object(value, `Outgoing ${key}`);
    const { host, port } = splitAddress(key);
    return { entry: key, host, port, ca: pem(e, 'cacrt', `Outgoing ${key}`), cert: pem(e, 'clicrt', `Outgoing ${key}`), privateKey: pem(e, 'clikey', `Outgoing ${key}`) };
  });
  return { incoming, outgoing };
}
