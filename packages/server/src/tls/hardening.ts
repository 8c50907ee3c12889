/**
 * The listener's TLS and connection settings for an internet-facing service: TLS 1.2 with
 * ECDHE AEAD suites only (forward secrecy, no CBC, no RSA key exchange) or TLS 1.3 (all its
 * suites are AEAD), no renegotiation (a client-initiated one is a cheap way to make the server
 * do handshakes), and timeouts that close slow or idle connections.
 */
import { constants } from 'node:crypto';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/** TLS 1.2 suites offered: ECDHE with AES-GCM or ChaCha20-Poly1305. TLS 1.3 suites are OpenSSL's defaults, all AEAD. */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Timeouts and the connection cap, from the http.* configuration keys (milliseconds). */
export interface HttpLimits {
  headersTimeout: number;
  requestTimeout: number;
  idleTimeout: number;
  maxConnections: number;
}

/** TLS options every listener uses, whatever its certificate. */
export function hardenedTls(limits?: HttpLimits): SecureContextOptions & TlsOptions & Record<string, unknown> {
  return {
    minVersion: 'TLSv1.2',
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
    ...(limits
      ? {
          handshakeTimeout: limits.headersTimeout,
          headersTimeout: limits.headersTimeout,
          // How often node looks for requests past their timeouts (default 30 s, too coarse for a 30 s limit).
          connectionsCheckingInterval: 1000,
        }
      : {}),
  };
}
