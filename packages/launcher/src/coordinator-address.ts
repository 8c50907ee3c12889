/** The coordinator address: `host:port` as in EDG_MARBLE_COORDINATOR_ADDR, or an https:// URL. */
import type { ConfideError } from '@confide/core';
import { LauncherError } from './errors.js';

/** Confide serves marbles on its one HTTPS listener, whose default port is 8443. */
const DEFAULT_COORDINATOR_PORT = 8443;

export interface CoordinatorAddress {
  host: string;
  port: number;
}

/** Parses `host`, `host:port`, `[v6]:port` or `https://host[:port][/]`. Throws ERR_USAGE. */
export function parseCoordinatorAddress(text: string): CoordinatorAddress {
  const bad = (why: string): ConfideError => new LauncherError('ERR_USAGE', `coordinator address "${text}": ${why} (expected host:port, e.g. localhost:8443)`);
  let rest = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    if (!/^https:\/\//i.test(rest)) throw bad('only https:// is spoken');
    rest = rest.replace(/^https:\/\//i, '').replace(/\/$/, '');
    if (rest.includes('/')) throw bad('a path is not allowed; the launcher posts to /api/v2/marble/activate');
  }
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(.*))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) throw bad('an IPv6 address must be in brackets');
    host = parts[0]!;
    portText = parts[1];
  }
  if (host === '') throw bad('no host');
  if (portText === undefined) return { host, port: DEFAULT_COORDINATOR_PORT };
  if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) throw bad(`port "${portText}" is not 1..65535`);
  return { host, port: Number(portText) };
}

/** `host:port` for messages. */
export function formatAddress(addr: CoordinatorAddress): string {
  return addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}
