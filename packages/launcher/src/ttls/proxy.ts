/**
 * The TLS-terminating proxy `confide run --ttls proxy` puts around an unmodified program, so it
 * gets the connections MARBLE_TTLS_CONFIG describes without knowing TLS (docs/coordinator.md,
 * "Transparent TLS for unmodified programs"):
 *  - Incoming `*:P`: the proxy listens with TLS on port P of every address, presenting the
 *    marble certificate and (unless the tag disables client auth) requiring a client certificate
 *    the Marble root issued; each connection is passed in plaintext to the program at
 *    127.0.0.1:L. The program learns L from CONFIDE_TTLS_LISTEN_<P> (`127.0.0.1:L`).
 *  - Outgoing `A:P`: the proxy listens in plaintext on 127.0.0.1:L and connects each connection
 *    to A:P with TLS, presenting the marble certificate and verifying the peer against the Marble
 *    root and the name A. The program connects to CONFIDE_TTLS_CONNECT_<A>_<P> (`127.0.0.1:L`).
 * L is the operator's (`--ttls-port <entry>=<L>`, for programs whose addresses are fixed in their
 * configuration) or a free port. Plaintext stays on the loopback interface; every listener is up
 * before the program starts, and a proxy that cannot be set up stops the launch.
 */
import { createServer as createPlainServer, connect as connectPlain, isIP, type Server, type Socket } from 'node:net';
import { connect as connectTls, createSecureContext, createServer as createTlsServer } from 'node:tls';
import { LauncherError } from '../errors.js';
import type { TtlsConfig } from './config.js';

const LOOPBACK = '127.0.0.1';

export interface TtlsProxyOptions {
  config: TtlsConfig;
  /** The program's plaintext port per MARBLE_TTLS_CONFIG entry (`*:8443`, `db:5432`); the others get a free port. */
  localPorts?: Readonly<Record<string, number>>;
  /** Where the Incoming listeners bind: default every address (the tag's `*`). */
  incomingHost?: string;
  /** A connection the proxy dropped, and why (no secret in it). */
  note?: (line: string) => void;
}

export interface TtlsProxy {
  /** For the program: CONFIDE_TTLS_LISTEN_<P> and CONFIDE_TTLS_CONNECT_<A>_<P>. */
  env: Record<string, string>;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

/** The program's variable for an Outgoing entry: CONFIDE_TTLS_CONNECT_ + host and port, upper case, other characters `_`. */
export function connectEnvName(host: string, port: number): string {
  return `CONFIDE_TTLS_CONNECT_${`${host}_${port}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The program's variable for an Incoming entry. */
export function listenEnvName(port: number): string {
  return `CONFIDE_TTLS_LISTEN_${port}`;
}

function failed(message: string, details: Record<string, unknown>, cause?: unknown): LauncherError {
  return new LauncherError('ERR_TTLS_PROXY_FAILED', message, { details, ...(cause !== undefined ? { cause } : {}) });
}

interface Credentials {
  ca: string;
  cert: string;
  key: string;
  minVersion: 'TLSv1.2';
}

/**
 * The entry's TLS options, checked now (a key that does not match its certificate, a PEM that
 * does not parse) so the proxy fails before the program starts. The options, not the context, go
 * to the server: tls.createServer makes its own context from its options.
 */
function credentials(entry: string, pems: { ca: string; cert: string; key: string }): Credentials {
  const options = { ...pems, minVersion: 'TLSv1.2' as const };
  try {
    createSecureContext(options);
    return options;
  } catch (cause) {
    throw failed(`MARBLE_TTLS_CONFIG entry ${entry}: the certificate, key or CA cannot be used (${(cause as Error).message})`, { entry, reason: 'credentials' }, cause);
  }
}

/**
 * Joins two sockets. An end or close on one side ends the other once what is buffered for it is
 * written (a peer that sends and closes at once still gets its bytes through); an error on
 * either side destroys both.
 */
function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const fail = (): void => {
    a.destroy();
    b.destroy();
  };
  a.once('error', fail);
  b.once('error', fail);
  a.once('close', () => b.end());
  b.once('close', () => a.end());
}

function listen(server: Server, port: number, host: string | undefined, entry: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(failed(`MARBLE_TTLS_CONFIG entry ${entry}: cannot listen on ${host ?? '*'}:${port} (${err.code ?? err.message})`, { entry, reason: 'listen', port, code: err.code }, err));
    server.once('error', onError);
    server.listen({ port, ...(host !== undefined ? { host } : {}) }, () => {
      server.off('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * Starts every listener of `config` and resolves once all are up. Throws ERR_TTLS_PROXY_FAILED
 * (details.reason: credentials, listen, env; nothing is left listening then) and ERR_USAGE (a
 * local port for an entry the configuration does not have).
 */
export async function startTtlsProxy(options: TtlsProxyOptions): Promise<TtlsProxy> {
  const { config } = options;
  const note = options.note ?? ((): void => undefined);
  const local = options.localPorts ?? {};
  const known = new Set([...config.incoming.map((e) => e.entry), ...config.outgoing.map((e) => e.entry)]);
  for (const entry of Object.keys(local)) {
    if (!known.has(entry)) throw new LauncherError('ERR_USAGE', `--ttls-port ${entry}: MARBLE_TTLS_CONFIG has no such entry (it has ${[...known].join(', ') || 'none'})`);
  }
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket): Socket => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    return s;
  };
  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
  };
  const env: Record<string, string> = {};
  const setEnv = (name: string, value: string, entry: string): void => {
    if (Object.hasOwn(env, name)) throw failed(`MARBLE_TTLS_CONFIG entries ${entry} and another share the variable ${name}`, { entry, reason: 'env', variable: name });
    env[name] = value;
  };
  try {
    for (const e of config.incoming) {
      const tlsOptions = credentials(e.entry, { ca: e.ca, cert: e.cert, key: e.privateKey });
      // The local port is fixed before the TLS side listens: CONFIDE_TTLS_LISTEN_<P> must name it.
      const localPort = local[e.entry] ?? (await freePort());
      const server = createTlsServer({ ...tlsOptions, requestCert: e.clientAuth, rejectUnauthorized: e.clientAuth }, (tlsSocket) => {
        splice(track(tlsSocket), track(connectPlain(localPort, LOOPBACK)));
      });
      server.on('tlsClientError', (err) => note(`confide run: TTLS ${e.entry}: refused a connection (${(err as NodeJS.ErrnoException).code ?? err.message})`));
      servers.push(server);
      await listen(server, e.port, options.incomingHost, e.entry);
      setEnv(listenEnvName(e.port), `${LOOPBACK}:${localPort}`, e.entry);
    }
    for (const e of config.outgoing) {
      const tlsOptions = credentials(e.entry, { ca: e.ca, cert: e.cert, key: e.privateKey });
      const server = createPlainServer((plain) => {
        const tlsSocket = connectTls({ host: e.host, port: e.port, ...tlsOptions, ...(isIP(e.host) === 0 ? { servername: e.host } : {}) });
        tlsSocket.once('error', (err) => note(`confide run: TTLS ${e.entry}: connection failed (${(err as NodeJS.ErrnoException).code ?? err.message})`));
        splice(track(plain), track(tlsSocket));
      });
      servers.push(server);
      const localPort = await listen(server, local[e.entry] ?? 0, LOOPBACK, e.entry);
      setEnv(connectEnvName(e.host, e.port), `${LOOPBACK}:${localPort}`, e.entry);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { env, close };
}

/** A port free on the loopback interface now (the program binds it after the proxy starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createPlainServer();
    probe.once('error', (err) => reject(failed(`no free loopback port for the program (${err.message})`, { reason: 'listen' }, err)));
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
