/** /app/transactions: append, read by id, receipt, status, the latest entry, ranged reads. Thin: the service does the work. */
import type { FastifyInstance } from 'fastify';
import type { LedgerAuth } from '../../plugins/ledger-auth.js';
import type { LedgerService, RangeQuery } from '../../services/ledger/index.js';
import { collectionQuery, entryBody, rangeQuery, transactionParams, versionQuery } from './schemas.js';

const tags = ['ledger'];
type ById = { Params: { transactionId: string } };

/** The nextLink of a ranged read: a path the client appends to its endpoint (and adds its own api-version to). */
function nextLinkOf(next: RangeQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) if (v !== undefined) params.set(k, v);
  return `/app/transactions?${params.toString()}`;
}

export async function transactionRoutes(app: FastifyInstance, { service, auth }: { service: LedgerService; auth: LedgerAuth }): Promise<void> {
  const write = auth.require('Administrator', 'Contributor');
  const read = auth.require('Administrator', 'Contributor', 'Reader');

  app.post<{ Body: { contents: string; collectionId?: string }; Querystring: { collectionId?: string } }>(
    '',
    { onRequest: write, schema: { summary: 'Append an entry; its transaction id is in x-ms-ccf-transaction-id.', tags, querystring: collectionQuery, body: entryBody } },
    async (request, reply) => {
      // The client sends the collection as a query parameter; a body member is accepted as a fallback.
      const { transactionId, collectionId } = await service.append(request.body.contents, request.query.collectionId ?? request.body.collectionId);
      void reply.header('x-ms-ccf-transaction-id', transactionId);
      return { collectionId };
    },
  );

  app.get<{ Querystring: RangeQuery }>('', { onRequest: read, schema: { summary: 'Entries between two transaction ids, paged by nextLink.', tags, querystring: rangeQuery } }, async (request) => {
    const page = service.range(request.query);
    return { state: page.state, entries: page.entries, ...(page.next ? { nextLink: nextLinkOf(page.next) } : {}) };
  });

  app.get<{ Querystring: { collectionId?: string } }>('/current', { onRequest: read, schema: { summary: 'The latest entry (of a collection).', tags, querystring: collectionQuery } }, async (request) =>
    service.current(request.query.collectionId),
  );

  app.get<ById & { Querystring: { collectionId?: string } }>(
    '/:transactionId',
    { onRequest: read, schema: { summary: 'An entry by transaction id: Loading at the first read, then Ready.', tags, params: transactionParams, querystring: collectionQuery } },
    async (request) => service.entry(request.params.transactionId, request.query.collectionId),
  );

  app.get<ById>('/:transactionId/receipt', { onRequest: read, schema: { summary: 'The receipt of a committed entry (CCF format); Loading before.', tags, params: transactionParams, querystring: versionQuery } }, async (request) =>
    service.receipt(request.params.transactionId),
  );

  app.get<ById>('/:transactionId/status', { onRequest: read, schema: { summary: 'Pending until a signature transaction covers the entry, then Committed.', tags, params: transactionParams, querystring: versionQuery } }, async (request) =>
    service.status(request.params.transactionId),
  );
}
