/** One HTTPS exchange with the coordinator, with its TLS and network failures named. */
import { createHash, X509Certificate } from 'node:crypto';
import { request, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { CliError } from '../errors.js';
import { formatAddress } from '@confide/launcher/coordinator-address';
import type { Connection } from './connection.js';

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

// The attested root signs manifests and marble certificates, not the listener's certificate: a
// user who passes `coordinator verify --out`'s file to --ca lands here.
const WRONG_CA_HINT =
  '--ca must name the CA that issued the server\'s TLS certificate (dev mode: <data-dir>/tls/ca.pem); the coordinator root saved by `coordinator verify --out` does not issue it: trust the attested coordinator with --pin (`coordinator verify --pin-out`)';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  /** Hex SHA-256 of the SubjectPublicKeyInfo of the TLS certificate the server presented on this connection. */
  tlsSpkiSha256?: string;
}

/** Hex SHA-256 of the SubjectPublicKeyInfo of the peer's leaf certificate. */
function peerSpkiSha256(socket: TLSSocket): string {
  const raw = socket.getPeerCertificate(true).raw;
  const spki = new X509Certificate(raw).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

// Node's codes for a server certificate that does not verify against the trusted CAs.
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Sends `method path` with an optional JSON body. `trust: 'none'` skips the CA check (for the
 * quote, whose evidence is what is trusted). With a pin (conn.pin) the server's TLS key must
 * hash to it before anything is sent; the CA check is then skipped unless --ca is also given.
 * Throws ERR_EVIDENCE_UNTRUSTED_ROOT when the server certificate does not verify or does not
 * match the pin, ERR_SERVICE_UNAVAILABLE when the coordinator cannot be reached or does not
 * answer in time.
 */
export function exchange(conn: Connection, method: 'GET' | 'POST', path: string, body?: unknown, trust: 'tls' | 'none' = 'tls'): Promise<HttpAnswer> {
  const where = formatAddress(conn.address);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  // A pin replaces the CA check (like ssh known_hosts) unless a CA is named as well.
  const verify = trust === 'tls' && !conn.insecure && (conn.pin === undefined || conn.ca !== undefined);
  const tlsOptions: ConnectionOptions = {
    host: conn.address.host,
    port: conn.address.port,
    ...(isIP(conn.address.host) ? {} : { servername: conn.address.host }),
    rejectUnauthorized: verify,
    ...(verify && conn.ca ? { ca: conn.ca } : {}),
    ...(conn.identity ? { cert: conn.identity.cert, key: conn.identity.key } : {}),
  };
  let spkiSha256 = '';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        path,
        host: conn.address.host,
        port: conn.address.port,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
        timeout: conn.timeoutMs,
        // Our own socket per call (no agent): client certificates must not leak across pooled
        // sockets, and the pin is checked after the handshake, before the request is written.
        createConnection: (_options: unknown, done: (err: Error | null, socket?: TLSSocket) => void) => {
          const socket = connect(tlsOptions);
          socket.setTimeout(conn.timeoutMs, () => socket.destroy(Object.assign(new Error(`no answer within ${conn.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
          const failed = (err: Error) => done(err);
          socket.once('error', failed);
          socket.once('secureConnect', () => {
            socket.removeListener('error', failed);
            try {
              spkiSha256 = peerSpkiSha256(socket);
            } catch (err) {
              socket.destroy();
              done(err as Error);
              return;
            }
            if (conn.pin !== undefined && spkiSha256 !== conn.pin) {
              socket.destroy();
              done(Object.assign(new Error(`TLS key ${spkiSha256} is not the pinned ${conn.pin}`), { code: 'ERR_TLS_PIN_MISMATCH', spki: spkiSha256 }));
              return;
            }
            done(null, socket);
          });
          return undefined;
        },
        // The callback form (createConnection returns nothing) is what node's ClientRequest supports for async sockets; @types/node only knows the sync one.
      } as unknown as RequestOptions,
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks), tlsSpkiSha256: spkiSha256 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${conn.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException & { spki?: string }) => {
      const code = err.code ?? '';
      if (code === 'ERR_TLS_PIN_MISMATCH') {
        reject(
          new CliError('ERR_EVIDENCE_UNTRUSTED_ROOT', `the TLS key of ${where} (SHA-256 ${err.spki}) is not the pinned one (--pin ${conn.pin}): re-run \`confide coordinator verify --pin-out\``, {
            cause: err,
            details: { tls: code, expected: conn.pin, actual: err.spki },
          }),
        );
        return;
      }
      if (TLS_TRUST_CODES.has(code)) {
        reject(
          new CliError('ERR_EVIDENCE_UNTRUSTED_ROOT', `the TLS certificate of ${where} does not verify (${code}): ${conn.ca ? WRONG_CA_HINT : 'pass the CA that issued it with --ca or the attested key with --pin (see `confide coordinator verify --pin-out`)'}`, {
            cause: err,
            details: { tls: code },
          }),
        );
        return;
      }
      reject(new CliError('ERR_SERVICE_UNAVAILABLE', `cannot reach the coordinator at ${where} (${code || err.message})`, { cause: err }));
    });
    req.end(payload);
  });
}
