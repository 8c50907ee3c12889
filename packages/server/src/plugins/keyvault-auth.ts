/**
 * Key Vault's challenge-based authentication and Managed HSM local roles. A request without a
 * bearer token gets 401 with `WWW-Authenticate: Bearer authorization="…", resource="…"` before
 * its body is read (the official client sends its first request without body or token and
 * expects exactly that). Tokens: any (dev mode with no verifier, warned at start), a JWT from
 * the configured issuer whose `roles` name Managed HSM roles, or a configured static token with
 * one role, compared in constant time. A caller without the route's role gets ERR_FORBIDDEN.
 * Tokens are never logged.
 */
import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { ConfideError, type Clock } from '@confide/core';
import { ServerError } from '../errors/index.js';
import { createJwtVerifier } from './bearer-jwt.js';

/** Managed HSM local roles: Crypto Officer manages keys, Crypto User uses them, Release only releases. */
export type KeyVaultRole = 'officer' | 'user' | 'release';

export const KEYVAULT_ROLES: readonly KeyVaultRole[] = ['officer', 'user', 'release'];

/** Role names a JWT's `roles` may carry, compared without case, spaces or dashes. */
const ROLE_NAMES: Record<string, KeyVaultRole> = {
  managedhsmcryptoofficer: 'officer',
  cryptoofficer: 'officer',
  officer: 'officer',
  managedhsmcryptouser: 'user',
  cryptouser: 'user',
  user: 'user',
  managedhsmcryptoservicereleaseuser: 'release',
  cryptoservicereleaseuser: 'release',
  release: 'release',
};

export function roleOfName(name: string): KeyVaultRole | undefined {
  return ROLE_NAMES[name.toLowerCase().replace(/[\s_-]/g, '')];
}

export interface KeyVaultAuthOptions {
  mode: 'dev' | 'production';
  /** `authorization` of the challenge (a URL whose first path segment the client takes as tenant). */
  authorization: string;
  /** `resource` of the challenge; the client asks its credential for `<resource>/.default`. */
  resource: string;
  jwt?: { jwksUrl?: string | undefined; publicKey?: KeyObject | undefined; issuer?: string | undefined; audience?: string | undefined; fetch?: typeof fetch | undefined; clock?: Clock | undefined } | undefined;
  staticTokens?: Array<{ token: string; role: KeyVaultRole }> | undefined;
}

export interface KeyVaultAuth {
  readonly acceptsAnyToken: boolean;
  /** An onRequest hook (fastify's callback form): authenticates and requires one of `roles`. */
  require(...roles: KeyVaultRole[]): (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
  /** The roles an Authorization header grants. Throws ERR_UNAUTHENTICATED. */
  rolesOf(authorization: string | undefined): Promise<ReadonlySet<KeyVaultRole>>;
  announce(log: FastifyBaseLogger): void;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const ALL_ROLES: ReadonlySet<KeyVaultRole> = new Set(KEYVAULT_ROLES);

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Builds the authenticator. Throws ERR_CONFIG_INVALID (a challenge value with a quote or space). */
export function createKeyVaultAuth(options: KeyVaultAuthOptions): KeyVaultAuth {
  for (const [k, v] of [['authorization', options.authorization], ['resource', options.resource]] as const) {
    // The client splits the header on spaces and commas and reads quoted values: neither may hold one.
    if (!/^https?:\/\/[^\s",]+$/.test(v)) throw new ServerError('ERR_CONFIG_INVALID', `keyvault.${k}: "${v}" must be an http(s) URL without spaces, commas or quotes`);
  }
  const verifyJwt = options.jwt && (options.jwt.jwksUrl !== undefined || options.jwt.publicKey !== undefined) ? createJwtVerifier(options.jwt) : undefined;
  // Digests of equal length keep the comparison constant-time whatever a token's length.
  const statics = (options.staticTokens ?? []).map((s) => ({ digest: digest(s.token), role: s.role }));
  const acceptsAnyToken = options.mode === 'dev' && !verifyJwt && statics.length === 0;
  const challenge = `Bearer authorization="${options.authorization}", resource="${options.resource}"`;
  let announced = false;

  async function rolesOf(authorization: string | undefined): Promise<ReadonlySet<KeyVaultRole>> {
    const match = authorization === undefined ? null : BEARER.exec(authorization);
    if (!match) throw new ServerError('ERR_UNAUTHENTICATED', 'Request is missing a Bearer token', { details: { reason: 'missing' } });
    const token = match[1]!;
    if (acceptsAnyToken) return ALL_ROLES;
    const d = digest(token);
    // Every static token is compared, so the time does not tell which one matched.
    let matched: KeyVaultRole | undefined;
    for (const s of statics) if (timingSafeEqual(d, s.digest)) matched = s.role;
    if (matched) return new Set([matched]);
    if (verifyJwt) {
      const claims = await verifyJwt(token);
      const roles = Array.isArray(claims['roles']) ? claims['roles'] : [];
      return new Set(roles.flatMap((r) => (typeof r === 'string' && roleOfName(r) ? [roleOfName(r)!] : [])));
    }
    throw new ServerError('ERR_UNAUTHENTICATED', 'bearer token refused');
  }

  return {
    acceptsAnyToken,
    rolesOf,
    require(...allowed) {
      const refusal = (roles: ReadonlySet<KeyVaultRole>): ServerError | undefined =>
        allowed.some((r) => roles.has(r)) ? undefined : new ServerError('ERR_FORBIDDEN', `the caller does not have a role that allows this operation (needs ${allowed.join(' or ')})`);
      // The callback form spares each request the async wrapper's promise and fastify's .then on it.
      return (request, reply, done) =>
        void rolesOf(request.headers.authorization).then(
          (roles) => done(refusal(roles)),
          (err: unknown) => {
            // A rejection without an Error must still refuse: done(undefined) would let the request through.
            const refused = err instanceof Error ? err : new ServerError('ERR_UNAUTHENTICATED', 'the caller could not be authenticated');
            if (refused instanceof ConfideError && refused.code === 'ERR_UNAUTHENTICATED') void reply.header('www-authenticate', challenge);
            done(refused);
          },
        );
    },
    announce(log) {
      if (announced) return;
      announced = true;
      if (acceptsAnyToken) log.warn('dev mode: the key vault accepts any bearer token with every role; set keyvault.auth.tokens or attestation.auth.jwksUrl/publicKey to verify tokens');
      else if (options.mode === 'production' && !verifyJwt && statics.length === 0) log.warn('the key vault has no token verifier (keyvault.auth.tokens, attestation.auth.jwksUrl or publicKey): every key vault request is refused');
    },
  };
}

/** Reads `role=token,role=token` (keyvault.auth.tokens). Throws ERR_CONFIG_INVALID. */
export function parseStaticTokens(text: string | undefined): Array<{ token: string; role: KeyVaultRole }> {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((entry) => {
    const at = entry.indexOf('=');
    const role = at > 0 ? roleOfName(entry.slice(0, at).trim()) : undefined;
    const token = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!role || token === '') throw new ServerError('ERR_CONFIG_INVALID', 'keyvault.auth.tokens: each entry is role=token with role officer, user or release');
    return { token, role };
  });
}
