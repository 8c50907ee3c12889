/**
 * The Confidential Ledger's authentication and roles. A caller is a bearer JWT's subject (its AAD
 * `oid`, else `sub`), verified with the same issuer settings as the key vault, or, without a
 * token, the client certificate of the TLS connection. Its role (Administrator, Contributor,
 * Reader) comes from the ledger's users. Dev mode without a JWT verifier takes any bearer token or
 * client certificate as an Administrator (warned at start). A caller without the route's role gets
 * ERR_FORBIDDEN; no credential or an unknown user, ERR_UNAUTHENTICATED. Tokens are never logged.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { LedgerRole } from '@confide/store';
import { ServerError } from '../errors/index.js';
import type { PeerCertificateReader } from '../routes/marblerun/peer-certificate.js';

/** Who is calling: a token's subject or a certificate (DER). */
export type LedgerCaller = { kind: 'token'; subject: string } | { kind: 'certificate'; der: Uint8Array };

export interface LedgerAuthOptions {
  mode: 'dev' | 'production';
  /** Verifies a bearer JWT and resolves to its claims; absent, no token verifies (dev mode then accepts any). */
  verifyJwt?: ((token: string) => Promise<Record<string, unknown>>) | undefined;
  /** The caller's role in the ledger's users, if it is one. */
  roleOf(caller: LedgerCaller): Promise<LedgerRole | undefined>;
  peerCertificate: PeerCertificateReader;
}

export interface LedgerAuth {
  readonly acceptsAnyCaller: boolean;
  /** An onRequest hook (fastify's callback form): authenticates and requires one of `roles`. */
  require(...roles: LedgerRole[]): (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
  announce(log: FastifyBaseLogger): void;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

function unauthenticated(message: string): ServerError {
  return new ServerError('ERR_UNAUTHENTICATED', message);
}

export function createLedgerAuth(options: LedgerAuthOptions): LedgerAuth {
  const acceptsAnyCaller = options.mode === 'dev' && !options.verifyJwt;
  let announced = false;

  async function roleOfRequest(request: FastifyRequest): Promise<LedgerRole> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = BEARER.exec(authorization);
      if (!match) throw unauthenticated('the Authorization header is not a Bearer token');
      if (acceptsAnyCaller) return 'Administrator';
      if (!options.verifyJwt) throw unauthenticated('bearer token refused: no token verifier is configured (attestation.auth.jwksUrl or publicKey)');
      const claims = await options.verifyJwt(match[1]!);
      const subject = typeof claims['oid'] === 'string' ? claims['oid'] : typeof claims['sub'] === 'string' ? claims['sub'] : undefined;
      if (subject === undefined) throw unauthenticated('bearer token refused: it names no oid or sub');
      const role = await options.roleOf({ kind: 'token', subject });
      if (!role) throw unauthenticated('the token\'s subject is not a ledger user');
      return role;
    }
    const der = options.peerCertificate(request);
    if (!der) throw unauthenticated('the request carries neither a bearer token nor a client certificate');
    if (acceptsAnyCaller) return 'Administrator';
    const role = await options.roleOf({ kind: 'certificate', der });
    if (!role) throw unauthenticated('the client certificate is not a ledger user');
    return role;
  }

  return {
    acceptsAnyCaller,
    require(...allowed) {
      const refusal = (role: LedgerRole): ServerError | undefined =>
        allowed.includes(role) ? undefined : new ServerError('ERR_FORBIDDEN', `the ${role} role does not allow this operation (needs ${allowed.join(' or ')})`, { details: { role } });
      // The callback form spares each request the async wrapper's promise and fastify's .then on it.
      // A rejection without an Error (none is thrown today) must still refuse: done(undefined) would let the request through.
      return (request, _reply, done) =>
        void roleOfRequest(request).then(
          (role) => done(refusal(role)),
          (err: unknown) => done(err instanceof Error ? err : unauthenticated('the caller could not be authenticated')),
        );
    },
    announce(log) {
      if (announced) return;
      announced = true;
      if (acceptsAnyCaller) log.warn('dev mode: the ledger takes any bearer token or client certificate as an Administrator; set attestation.auth.jwksUrl or publicKey to verify tokens');
    },
  };
}
