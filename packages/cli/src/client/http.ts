/** One HTTPS exchange with the coordinator, with its TLS and network failures named. */
import { request } from 'node:https';
import { isIP } from 'node:net';
import { ConfideError } from '@confide/core';
import { formatAddress } from '../launcher/coordinator-address.js';
import type { Connection } from './connection.js';

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: Buffer;
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
 * Sends `method path` with an optional JSON body. `trust: 'none'` skips TLS verification (for
 * the quote, whose evidence is what is trusted). Throws ERR_EVIDENCE_UNTRUSTED_ROOT when the
 * server certificate does not verify, ERR_SERVICE_UNAVAILABLE when the coordinator cannot be
 * reached or does not answer in time.
 */
export function exchange(conn: Connection, method: 'GET' | 'POST', path: string, body?: unknown, trust: 'tls' | 'none' = 'tls'): Promise<HttpAnswer> {
  const where = formatAddress(conn.address);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const verify = trust === 'tls' && !conn.insecure;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: conn.address.host,
        port: conn.address.port,
        method,
        path,
        ...(isIP(conn.address.host) ? {} : { servername: conn.address.host }),
        rejectUnauthorized: verify,
        ...(verify && conn.ca ? { ca: conn.ca } : {}),
        ...(conn.identity ? { cert: conn.identity.cert, key: conn.identity.key } : {}),
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
        timeout: conn.timeoutMs,
        // A fresh connection per call: client certificates must not leak across pooled sockets.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${conn.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      if (TLS_TRUST_CODES.has(code)) {
        reject(
          new ConfideError('ERR_EVIDENCE_UNTRUSTED_ROOT', `the TLS certificate of ${where} does not verify (${code}): pass the trusted CA with --ca (see \`confide coordinator verify --out\`)`, {
            cause: err,
            details: { tls: code },
          }),
        );
        return;
      }
      reject(new ConfideError('ERR_SERVICE_UNAVAILABLE', `cannot reach the coordinator at ${where} (${code || err.message})`, { cause: err }));
    });
    req.end(payload);
  });
}
