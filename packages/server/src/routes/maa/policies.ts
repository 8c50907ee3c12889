/**
 * MAA policy management: GET and PUT /policies/{type}, POST /policies/{type}:reset. Each needs a
 * bearer token; the bodies are raw JWS text, as the Azure SDK sends them.
 */
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../../errors/index.js';
import type { BearerAuth } from '../../plugins/bearer-auth.js';
import type { PolicyAdmin } from '../../services/attestation/admin/index.js';

export interface MaaAdminRouteOptions {
  admin: PolicyAdmin;
  auth: BearerAuth;
}

const JWS_CONTENT_TYPES = ['text/plain', 'application/json', 'application/jose'];

/**
 * One body parser for the JWS bodies: the raw compact text, or a JSON string literal of it
 * (certificates:add/remove send `"eyJ…"`). Replaces the default parsers in this plugin's scope only.
 */
export function registerJwsBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(JWS_CONTENT_TYPES.filter((t) => app.hasContentTypeParser(t)));
  app.addContentTypeParser(JWS_CONTENT_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (!text.startsWith('"')) return done(null, body);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new ServerError('ERR_BODY_MALFORMED', 'the body starts with a quote but is not a JSON string'), undefined);
    }
    if (typeof value !== 'string') return done(new ServerError('ERR_BODY_MALFORMED', 'expected a JWS, raw or as a JSON string'), undefined);
    done(null, value);
  });
}

function bodyText(body: unknown): string {
  if (typeof body !== 'string') throw new ServerError('ERR_POLICY_TOKEN_INVALID', 'the body must be a compact JWS (Content-Type: text/plain)');
  return body;
}

export const tokenResponse = { 200: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] } } as const;
export const apiVersionQuery = { type: 'object', properties: { 'api-version': { type: 'string' } } } as const;

/** Registers the policy routes. */
export async function policyRoutes(app: FastifyInstance, opts: MaaAdminRouteOptions): Promise<void> {
  const { admin, auth } = opts;
  registerJwsBodyParser(app);
  const params = { type: 'object', properties: { type: { type: 'string' } } } as const;

  app.get<{ Params: { type: string } }>(
    '/:type',
    {
      onRequest: auth.hook,
      schema: {
        summary: 'The attestation policy of a type (MAA): a token whose x-ms-policy is the stored policy JWS, or the default policy unsigned.',
        tags: ['attestation'],
        params,
        querystring: apiVersionQuery,
        response: tokenResponse,
      },
    },
    async (request) => admin.getPolicy(request.params.type),
  );

  app.put<{ Params: { type: string }; Body: unknown }>(
    '/:type',
    {
      onRequest: auth.hook,
      schema: {
        summary:
          'Set the attestation policy (MAA). Body: compact JWS of {"AttestationPolicy": base64url(text)}, unsigned (AAD mode) or signed with x5c (isolated mode: by a policy-management certificate).',
        tags: ['attestation'],
        params,
        querystring: apiVersionQuery,
        response: tokenResponse,
      },
    },
    async (request) => admin.setPolicy(request.params.type, bodyText(request.body)),
  );

  // find-my-way cannot put a static suffix after a parameter in one segment, so ":reset" is split off here.
  app.post<{ Params: { typeAction: string }; Body: unknown }>(
    '/:typeAction',
    {
      onRequest: auth.hook,
      schema: {
        summary: 'POST /policies/{type}:reset: back to the default policy (MAA). Body: compact JWS with an empty payload, signed in isolated mode.',
        tags: ['attestation'],
        params: { type: 'object', properties: { typeAction: { type: 'string' } } },
        querystring: apiVersionQuery,
        response: tokenResponse,
      },
    },
    async (request) => {
      const segment = request.params.typeAction;
      if (!segment.endsWith(':reset')) throw new ServerError('ERR_NOT_FOUND', `no route for POST /policies/${segment}; did you mean /policies/${segment}:reset?`);
      return admin.resetPolicy(segment.slice(0, -':reset'.length), bodyText(request.body));
    },
  );
}
