/**
 * MarbleRun's marble API: gRPC `rpc.Marble/Activate` on its own listener (default port 2001,
 * EDG_COORDINATOR_MESH_ADDR), so marbles built for MarbleRun (EGo, Gramine, Occlum premain)
 * activate unchanged. As MarbleRun's server (coordinator/server/server.go RunMarbleServer): TLS
 * with the Marble root certificate and the intermediate's key, any client certificate required
 * and judged later by the quote, whose report data is SHA-256 of that whole certificate.
 *
 * @grpc/grpc-js hides a client certificate that no CA vouches for (getAuthContext() is empty
 * unless the socket is authorized), so the TLS is terminated here: each TCP connection is secured
 * with the current certificate (it changes on manifest updates), the peer certificate
 * is kept by the connection's remote address and port (unique while it is open), and the secured
 * socket is handed to grpc-js (createConnectionInjector); the call finds its certificate by getPeer(),
 * which grpc-js derives from the same socket.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { pemEncode } from '@confide/core';
import type { CoordinatorService } from '@confide/coordinator';
import { hardenedTls } from '../tls/hardening.js';
import { grpcError } from './status.js';
import { decodeActivationReq, encodeActivationResp, type ActivationResp } from './wire.js';

export interface MarbleApiOptions {
  coordinator: CoordinatorService;
  /** Undefined: every interface. */
  host: string | undefined;
  port: number;
  /** A TLS handshake that takes longer is dropped (milliseconds). */
  handshakeTimeout?: number;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface MarbleApi {
  address: AddressInfo;
  close(): Promise<void>;
}

/** The service as coordinator.proto declares it; the request stays bytes until the handler decodes it (a bad message is the caller's mistake, not Internal). */
const MARBLE_SERVICE: ServiceDefinition = {
  Activate: {
    path: '/rpc.Marble/Activate',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Uint8Array) => Buffer.from(value),
    requestDeserialize: (bytes: Buffer) => new Uint8Array(bytes),
    responseSerialize: (value: ActivationResp) => Buffer.from(encodeActivationResp(value)),
    responseDeserialize: (bytes: Buffer) => new Uint8Array(bytes),
  },
};

const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

/** The key a connection's peer certificate is kept under: what grpc-js's getPeer() returns for it. */
function peerKey(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/** Starts the listener. Rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL…). */
export async function startMarbleApi(options: MarbleApiOptions): Promise<MarbleApi> {
  const { coordinator, log } = options;
  const peers = new Map<string, Uint8Array>();
  const grpc = new Server();
  grpc.addService(MARBLE_SERVICE, {
    Activate: (call: ServerUnaryCall<Uint8Array, ActivationResp>, callback: sendUnaryData<ActivationResp>) => {
      void (async () => {
        try {
          const req = decodeActivationReq(call.request);
          const out = await coordinator.activate({
            marbleType: req.marbleType,
            uuid: req.uuid,
            evidence: req.quote,
            csr: req.csr,
            binding: 'certificate',
            clientCertificate: peers.get(call.getPeer()),
          });
          log?.info({ event: 'marble.activate', api: 'grpc', marbleType: req.marbleType, uuid: req.uuid }, 'coordinator: marble activated');
          callback(null, out.parameters);
        } catch (err) {
          const answer = grpcError(err);
          log?.warn({ event: 'marble.activate.refused', api: 'grpc', code: answer.metadata?.get('confide-error-code')[0], status: answer.code }, `coordinator: activation refused: ${answer.details}`);
          callback(answer);
        }
      })();
    },
  });
  const injector = grpc.createConnectionInjector(ServerCredentials.createInsecure());

  // One TLS server, never listening: each TCP connection is handed to it once its certificate
  // is current (setSecureContext applies to connections that arrive after it). A TLSSocket built
  // by hand would do the handshake too, but node's HTTP/2 does not read from one.
  const tlsServer = createTlsServer({ ...hardenedTls(), requestCert: true, rejectUnauthorized: false, ALPNProtocols: ['h2'], handshakeTimeout: options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT });
  tlsServer.on('tlsClientError', (_err, socket) => socket.destroy());
  tlsServer.on('secureConnection', (tls) => {
    tls.on('error', () => tls.destroy());
    const cert = tls.getPeerCertificate(false);
    // tls.RequireAnyClientCert: no certificate, no connection.
    if (!cert?.raw?.length) {
      tls.destroy();
      return;
    }
    const key = peerKey(tls);
    const der = new Uint8Array(cert.raw);
    peers.set(key, der);
    tls.once('close', () => {
      if (peers.get(key) === der) peers.delete(key);
    });
    injector.injectConnection(tls);
  });
  let current: string | undefined;
  const accept = async (socket: Socket): Promise<void> => {
    socket.on('error', () => socket.destroy());
    let identity: { certificate: string; privateKey: Uint8Array };
    try {
      identity = await coordinator.meshIdentity();
    } catch {
      socket.destroy(); // recovery: no certificate to serve, as MarbleRun's "don't have a cert yet"
      return;
    }
    if (identity.certificate !== current) {
      tlsServer.setSecureContext({ ...hardenedTls(), cert: identity.certificate, key: pemEncode('PRIVATE KEY', identity.privateKey) });
      current = identity.certificate;
    }
    tlsServer.emit('connection', socket);
  };

  const tcp = createServer((socket) => void accept(socket));
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen({ ...(options.host !== undefined ? { host: options.host } : {}), port: options.port }, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  return {
    address: tcp.address() as AddressInfo,
    close: async () => {
      await new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        injector.drain(1000);
      });
      injector.destroy();
      grpc.forceShutdown();
    },
  };
}
