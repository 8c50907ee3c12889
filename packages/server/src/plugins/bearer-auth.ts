/**
 * Bearer authentication for state-changing and admin routes. With a JWKS URL, a public key or a
 * static token configured, a request needs a token one of them accepts; with none (dev mode
 * only), any bearer token passes, as the Azure SDKs' fake credentials expect, and a warning says
 * so at start. A refusal is a 401 with `WWW-Authenticate: Bearer` in the route's error format.
 * Tokens are never logged.
 */
import { createHash, createPublicKey, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { ConfideError, type Clock } from '@confide/core';
import { ServerError } from '../errors/index.js';
import { createJwtVerifier } from './bearer-jwt.js';

export interface BearerAuthOptions {
  mode: 'dev' | 'production';
  jwksUrl?: string | undefined;
  /** PEM public key (SPKI) or certificate. */
  publicKeyPem?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  staticToken?: string | undefined;
  clockToleranceSeconds?: number | undefined;
  clock?: Clock | undefined;
  fetch?: typeof fetch | undefined;
}

export interface BearerAuth {
  /** True when nothing verifies tokens (dev mode): any bearer token passes. */
  readonly acceptsAnyToken: boolean;
  /** Checks an Authorization header value. Throws ERR_UNAUTHENTICATED, ERR_SERVICE_UNAVAILABLE (JWKS unreachable). */
  authenticate(authorization: string | undefined): Promise<void>;
  /** onRequest hook for routes that need a bearer token. */
  hook(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Logs the dev-mode warning, once per instance. */
  announce(log: FastifyBaseLogger): void;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

function publicKeyFromPem(pem: string): KeyObject {
  try {
    return pem.includes('-----BEGIN CERTIFICATE-----') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch {
    throw new ServerError('ERR_CONFIG_INVALID', 'attestation.auth.publicKey: not a PEM public key or certificate');
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Builds the authenticator. Throws ERR_PRODUCTION_REFUSED (production without any verifier, or a JWT key without issuer and audience), ERR_CONFIG_INVALID (bad key or URL). */
export function createBearerAuth(options: BearerAuthOptions): BearerAuth {
  if (options.jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      throw new ServerError('ERR_CONFIG_INVALID', `attestation.auth.jwksUrl: "${options.jwksUrl}" is not a URL`);
    }
    if (url.protocol !== 'https:' && !(options.mode === 'dev' && url.protocol === 'http:')) {
      throw new ServerError('ERR_CONFIG_INVALID', 'attestation.auth.jwksUrl must be an https URL');
    }
  }
  const publicKey = options.publicKeyPem === undefined ? undefined : publicKeyFromPem(options.publicKeyPem);
  // Without both, any token the key signed for any other service would pass as an admin token here.
  if (options.mode === 'production' && (options.jwksUrl !== undefined || publicKey !== undefined) && (!options.issuer || !options.audience)) {
    throw new ServerError('ERR_PRODUCTION_REFUSED', 'production mode needs attestation.auth.issuer and attestation.auth.audience whenever a JWKS URL or public key verifies bearer JWTs');
  }
  const verifyJwt =
    options.jwksUrl !== undefined || publicKey !== undefined
      ? createJwtVerifier({
          jwksUrl: options.jwksUrl,
          publicKey,
          issuer: options.issuer,
          audience: options.audience,
          clockToleranceSeconds: options.clockToleranceSeconds,
          clock: options.clock,
          fetch: options.fetch,
        })
      : undefined;
  // Digests of equal length let the comparison run in constant time whatever the token's length.
  const staticDigest = options.staticToken === undefined || options.staticToken === '' ? undefined : sha256(options.staticToken);
  const acceptsAnyToken = verifyJwt === undefined && staticDigest === undefined;
  if (acceptsAnyToken && options.mode === 'production') {
    throw new ServerError('ERR_PRODUCTION_REFUSED', 'production mode needs attestation.auth.jwksUrl, attestation.auth.publicKey or CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN');
  }
  let announced = false;

  async function authenticate(authorization: string | undefined): Promise<void> {
    const match = authorization === undefined ? null : BEARER.exec(authorization);
    if (!match) throw new ServerError('ERR_UNAUTHENTICATED', 'this route needs an Authorization: Bearer token', { details: { reason: 'missing' } });
    const token = match[1]!;
    if (acceptsAnyToken) return;
    if (staticDigest && timingSafeEqual(sha256(token), staticDigest)) return;
    if (verifyJwt) {
      await verifyJwt(token);
      return;
    }
    throw new ServerError('ERR_UNAUTHENTICATED', 'bearer token refused');
  }

  return {
    acceptsAnyToken,
    authenticate,
    async hook(request, reply) {
      try {
        await authenticate(request.headers.authorization);
      } catch (err) {
        if (err instanceof ConfideError && err.code === 'ERR_UNAUTHENTICATED') {
          const missing = err.details?.['reason'] === 'missing';
          void reply.header('www-authenticate', missing ? 'Bearer' : 'Bearer error="invalid_token"');
        }
        throw err;
      }
    },
    announce(log) {
      if (announced || !acceptsAnyToken) return;
      announced = true;
      log.warn('dev mode: policy and certificate routes accept any bearer token; set attestation.auth.jwksUrl, attestation.auth.publicKey or CONFIDE_ATTESTATION_AUTH_STATIC_TOKEN to verify tokens');
    },
  };
}
