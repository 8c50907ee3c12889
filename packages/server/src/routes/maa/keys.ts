/** GET /certs and GET /.well-known/openid-configuration: the keys and metadata that verify MAA tokens. */
import type { FastifyInstance } from 'fastify';
import type { TokenService } from '../../services/attestation/tokens/index.js';

const jwksSchema = {
  type: 'object',
  description: 'JSON Web Key Set; x5c holds the standard base64 DER of each self-signed signing certificate.',
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kty: { type: 'string', enum: ['RSA'] },
          kid: { type: 'string', description: 'standard base64 of the SHA-256 certificate thumbprint' },
          x5c: { type: 'array', items: { type: 'string' } },
          n: { type: 'string' },
          e: { type: 'string' },
        },
        required: ['kty', 'kid', 'x5c'],
      },
    },
  },
  required: ['keys'],
} as const;

const stringList = { type: 'array', items: { type: 'string' } } as const;

const openIdSchema = {
  type: 'object',
  properties: {
    issuer: { type: 'string' },
    jwks_uri: { type: 'string' },
    response_types_supported: stringList,
    id_token_signing_alg_values_supported: stringList,
    claims_supported: stringList,
  },
  required: ['issuer', 'jwks_uri', 'response_types_supported', 'id_token_signing_alg_values_supported', 'claims_supported'],
} as const;

/** Registers the token key routes (no authentication, as in MAA; a bearer token is ignored). */
export async function tokenRoutes(app: FastifyInstance, opts: { tokens: TokenService }): Promise<void> {
  app.get(
    '/certs',
    {
      schema: { summary: 'Token signing keys (MAA JWKS): current key first, retired keys until their tokens expire.', tags: ['attestation'], response: { 200: jwksSchema } },
    },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(await opts.tokens.jwks()),
  );
  app.get(
    '/.well-known/openid-configuration',
    {
      schema: { summary: 'OpenID Connect discovery metadata of the attestation token issuer.', tags: ['attestation'], response: { 200: openIdSchema } },
    },
    async () => opts.tokens.openidConfiguration(),
  );
}
