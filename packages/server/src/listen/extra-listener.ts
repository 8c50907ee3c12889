/**
 * A further HTTPS listener for `host` beyond the first one fastify binds: same certificate, TLS
 * hardening, timeouts and connection cap, and every request handed to the same fastify app.
 */
import { createServer, type Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../app.js';
import { hardenedTls } from '../tls/hardening.js';

/** Resolves once listening; rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL…). */
export function listenAlso(app: FastifyInstance, options: Pick<AppOptions, 'https' | 'http'>, host: string, port: number): Promise<Server> {
  // The request goes through the main server's handler, so hooks, routes and the 503-on-closing behaviour are the app's.
  const server = createServer({ ...options.https, ...hardenedTls(options.http) }, (req, res) => app.server.emit('request', req, res));
  if (options.http) {
    server.maxConnections = options.http.maxConnections;
    server.requestTimeout = options.http.requestTimeout;
    server.keepAliveTimeout = options.http.idleTimeout;
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
