/**
 * The metrics listener: plain HTTP on its own address (loopback by default), answering only
 * GET /metrics in Prometheus' text format. It never shares the public HTTPS listener, so
 * scraping needs no credentials there and the metrics are not exposed where the API is.
 */
import { createServer, type Server } from 'node:http';
import type { ServerMetrics } from './metrics.js';

/** Resolves with the listening server; rejects with the listen error (EADDRINUSE…). */
export function listenMetrics(metrics: ServerMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: only GET /metrics is served here\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
    );
  });
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
