/** Where the marble API listens: coordinator.meshAddr as MarbleRun writes EDG_COORDINATOR_MESH_ADDR. */
import { ServerError } from '../errors/index.js';

/** MarbleRun's mesh port (cmd/coordinator: constants.MeshAddrDefault ":2001"). */
export const DEFAULT_MESH_PORT = 2001;

/**
 * The listen address: `host:port`, `[v6]:port` or `:port` (every interface); absent, the first
 * host on port 2001, or a free port when the HTTPS port is 0 (a test's server never takes a fixed
 * port); `off`, none. Throws ERR_CONFIG_INVALID.
 */
export function meshListenAddress(meshAddr: string | undefined, firstHost: string, httpsPort: number): { host: string | undefined; port: number } | undefined {
  if (meshAddr === undefined) return { host: firstHost, port: httpsPort === 0 ? 0 : DEFAULT_MESH_PORT };
  const text = meshAddr.trim();
  if (text === 'off') return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ServerError('ERR_CONFIG_INVALID', `coordinator.meshAddr: expected host:port, [v6]:port, :port or off, got ${JSON.stringify(meshAddr)}`, { details: { key: 'coordinator.meshAddr' } });
  }
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}
