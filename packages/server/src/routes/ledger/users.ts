/** /app/users/{userId}: get, add or change the role of, and remove a ledger user (Administrator only). */
import type { FastifyInstance } from 'fastify';
import type { LedgerAuth } from '../../plugins/ledger-auth.js';
import type { LedgerRole, LedgerUsers } from '../../services/ledger/index.js';
import { userBody, userParams, versionQuery } from './schemas.js';

type ByUser = { Params: { userId: string } };
const tags = ['ledger'];

export async function userRoutes(app: FastifyInstance, { users, auth }: { users: LedgerUsers; auth: LedgerAuth }): Promise<void> {
  const admin = auth.require('Administrator');
  // The client may send the PATCH as JSON merge patch; the body is JSON either way.
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.get<ByUser>('/:userId', { onRequest: admin, schema: { summary: 'A ledger user and its role.', tags, params: userParams, querystring: versionQuery } }, async (request) => users.get(request.params.userId));

  app.patch<ByUser & { Body: { assignedRole: LedgerRole } }>(
    '/:userId',
    { onRequest: admin, schema: { summary: 'Add a ledger user or change its role.', tags, params: userParams, querystring: versionQuery, body: userBody } },
    async (request) => users.set(request.params.userId, request.body.assignedRole),
  );

  app.delete<ByUser>('/:userId', { onRequest: admin, schema: { summary: 'Remove a ledger user.', tags, params: userParams, querystring: versionQuery } }, async (request, reply) => {
    await users.delete(request.params.userId);
    return reply.code(204).send();
  });
}
