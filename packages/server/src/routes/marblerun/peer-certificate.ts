/**
 * The client certificate of the TLS connection a request came over. The listener asks for one
 * (requestCert) but lets the handshake finish without it (rejectUnauthorized false): users are
 * recognised by their certificate from the manifest and marbles by the key their evidence binds,
 * so no CA decides here. `app.inject()` has no TLS, so tests replace this reader.
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';

/** DER of the client certificate of a request, or undefined when none was presented. */
export type PeerCertificateReader = (request: FastifyRequest) => Uint8Array | undefined;

/** Reads the peer certificate from the request's TLS socket. */
export const tlsPeerCertificate: PeerCertificateReader = (request) => {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate(false);
  // Without a client certificate node returns an empty object (or null once the socket closed).
  return cert && cert.raw && cert.raw.length > 0 ? new Uint8Array(cert.raw) : undefined;
};
