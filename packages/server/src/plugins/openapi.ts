/** OpenAPI description of every route (from their schemas) at /openapi.json, rendered at /docs. */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { docsPage } from './docs-page.js';

/** Collects the schemas of every route registered after it: call it before the surfaces. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Confide',
        version,
        description: 'Open confidential-computing control plane: attestation, coordinator, key vault, ledger.',
      },
    },
  });
}

/** GET /openapi.json and GET /docs. */
export async function docsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage));
}
