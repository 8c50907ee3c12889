/** GET /app/collections: the collections that hold an entry, paged by nextLink. */
import type { FastifyInstance } from 'fastify';
import type { LedgerAuth } from '../../plugins/ledger-auth.js';
import type { LedgerService } from '../../services/ledger/index.js';
import { collectionsQuery } from './schemas.js';

export async function collectionRoutes(app: FastifyInstance, { service, auth }: { service: LedgerService; auth: LedgerAuth }): Promise<void> {
  app.get<{ Querystring: { from?: string } }>(
    '',
    { onRequest: auth.require('Administrator', 'Contributor', 'Reader'), schema: { summary: 'The collections that hold an entry, paged by nextLink.', tags: ['ledger'], querystring: collectionsQuery } },
    async (request) => {
      const page = service.collections(request.query.from);
      // A path the client appends to its endpoint (adding its own api-version), as for ranged reads.
      return { collections: page.collections.map((collectionId) => ({ collectionId })), ...(page.next !== undefined ? { nextLink: `/app/collections?from=${page.next}` } : {}) };
    },
  );
}
