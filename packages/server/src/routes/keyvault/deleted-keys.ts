/** Soft-deleted keys: get, list, recover, purge. */
import type { FastifyInstance } from 'fastify';
import { keyBundle, keyItem } from '@confide/keyvault';
import type { KeyVaultAuth } from '../../plugins/keyvault-auth.js';
import type { KeyVaultService } from '../../services/keyvault/index.js';
import { nextLinkOf, originOf, pagingOf } from './origin.js';
import { anyQuery, nameParams } from './schemas.js';

type Named = { Params: { name: string } };
const tags = ['keyvault'];

export async function deletedKeyRoutes(app: FastifyInstance, { service, auth }: { service: KeyVaultService; auth: KeyVaultAuth }): Promise<void> {
  const manage = auth.require('officer');
  app.get('', { onRequest: manage, schema: { summary: 'List deleted keys, paged by nextLink.', tags, querystring: anyQuery } }, async (request) => {
    const { maxresults, after } = pagingOf(request);
    const page = await service.listDeleted(maxresults, after);
    return { value: page.items.map((d) => keyItem(d.meta, originOf(request), d.deleted)), nextLink: nextLinkOf(request, '/deletedkeys', page.next, maxresults) };
  });
  app.get<Named>('/:name', { onRequest: manage, schema: { summary: 'Get a deleted key.', tags, params: nameParams, querystring: anyQuery } }, async (request) => {
    const d = await service.getDeleted(request.params.name);
    return keyBundle(d.meta, originOf(request), d.deleted);
  });
  app.post<Named>('/:name/recover', { onRequest: manage, schema: { summary: 'Recover a deleted key.', tags, params: nameParams, querystring: anyQuery } }, async (request) =>
    keyBundle(await service.recover(request.params.name), originOf(request)),
  );
  app.delete<Named>('/:name', { onRequest: manage, schema: { summary: 'Purge a deleted key for good.', tags, params: nameParams, querystring: anyQuery } }, async (request, reply) => {
    await service.purge(request.params.name);
    return reply.code(204).send();
  });
}
