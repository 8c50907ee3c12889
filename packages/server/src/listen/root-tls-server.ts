/**
 * The HTTPS server of MarbleRun's client API listener: it presents the coordinator's root
 * certificate with the root key, as MarbleRun's does (coordinator/core/core.go
 * GetTLSRootCertificate), so `curl --cacert root.pem` and MarbleRun's CLI, which pins the root
 * from the quote (api/api.go VerifyCoordinator, then rest.NewClient with that root), trust the
 * channel. The root changes when recovery ends or the coordinator starts over: before each
 * connection's handshake the server's context is swapped when the root in force is another one.
 */
import { createServer, type Server } from 'node:https';
import type { RequestListener } from 'node:http';
import type { CoordinatorService } from '@confide/coordinator';
import { hardenedTls, type HttpLimits } from '../tls/hardening.js';

/** An HTTPS server for `handler` presenting the coordinator's root in force at each connection. */
export function rootTlsServer(coordinator: CoordinatorService, handler: RequestListener, limits?: HttpLimits): Server {
  const context = () => {
    const { certPem, keyPem } = coordinator.tlsRootIdentity();
    // A client certificate is asked for, never required or judged: users are known by the manifest's certificates.
    return { ...hardenedTls(limits), cert: certPem, key: keyPem, requestCert: true, rejectUnauthorized: false };
  };
  let current = coordinator.tlsRootIdentity().certPem;
  const server = createServer(context(), handler);
  // Runs before tls.Server's own 'connection' listener makes the TLSSocket, which takes the context set now.
  server.prependListener('connection', () => {
    const root = coordinator.tlsRootIdentity().certPem;
    if (root === current) return;
    current = root;
    server.setSecureContext(context());
  });
  if (limits) {
    server.maxConnections = limits.maxConnections;
    server.requestTimeout = limits.requestTimeout;
    server.keepAliveTimeout = limits.idleTimeout;
  }
  return server;
}
