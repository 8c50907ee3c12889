/**
 * MAA policy-management certificates: GET /certificates, POST /certificates:add and :remove.
 * The bodies are JSON string literals of a JWS (a raw JWS is taken too), signed by a current
 * policy-management certificate; isolated mode only.
 */
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../../errors/index.js';
import { apiVersionQuery, registerJwsBodyParser, tokenResponse, type MaaAdminRouteOptions } from './policies.js';

function bodyText(body: unknown): string {
  if (typeof body !== 'string') throw new ServerError('ERR_POLICY_TOKEN_INVALID', 'the body must be a JWS as a JSON string');
  return body;
}

/** Registers the certificate routes. */
export async function certificateRoutes(app: FastifyInstance, opts: MaaAdminRouteOptions): Promise<void> {
  const { admin, auth } = opts;
  registerJwsBodyParser(app);

  app.get(
    '/certificates',
    {
      onRequest: auth.hook,
      schema: {
        summary: 'The policy-management certificates (MAA): a token whose x-ms-policy-certificates is a JWKS of {kty, x5c}; empty in AAD mode.',
        tags: ['attestation'],
        querystring: apiVersionQuery,
        response: tokenResponse,
      },
    },
    async () => admin.getCertificates(),
  );

  for (const action of ['add', 'remove'] as const) {
    app.post<{ Body: unknown }>(
      `/certificates::${action}`,
      {
          onRequest: auth.hook,
        schema: {
          summary: `${action === 'add' ? 'Add' : 'Remove'} a policy-management certificate (MAA, isolated mode). Body: JSON string of a JWS of {"policyCertificate": {kty, x5c}} signed by a current policy-management certificate.`,
          tags: ['attestation'],
          querystring: apiVersionQuery,
          response: tokenResponse,
        },
      },
      async (request) => (action === 'add' ? admin.addCertificate(bodyText(request.body)) : admin.removeCertificate(bodyText(request.body))),
    );
  }
}
