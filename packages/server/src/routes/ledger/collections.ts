/** GET /app/collections: the collections that hold an entry. */
import type { FastifyInstance } from 'fastify';
import type { LedgerAuth } from '../../plugins/ledger-auth.js';
import type { LedgerService } from '../../services/ledger/index.js';
import { versionQuery } from './schemas.js';

export async function collectionRoutes(app: FastifyInstance, { service, auth }: { service: LedgerService; auth: LedgerAuth }): Promise<void> {
  app.get('', { onRequest: auth.require('Administrator', 'Contributor', 'Reader'), schema: { summary: 'The collections that hold an entry.', tags: ['ledger'], querystring: versionQuery } }, async () => ({
    collections: service.collections().map((collectionId) => ({ collectionId })),
  }));
}
