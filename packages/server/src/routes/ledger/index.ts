/**
 * The Azure Confidential Ledger data plane as one encapsulated plugin: /app/transactions,
 * /app/collections, /app/users, and the identity document at /ledgerIdentity, each a prefix of
 * its own so unknown paths under them answer in the ledger's error format.
 */
import type { FastifyInstance } from 'fastify';
import type { LedgerAuth } from '../../plugins/ledger-auth.js';
import { surfaceErrors } from '../../plugins/problem.js';
import type { LedgerService, LedgerUsers } from '../../services/ledger/index.js';
import { collectionRoutes } from './collections.js';
import { ledgerErrorResponse, ledgerSerializer } from './errors.js';
import { identityRoutes } from './identity.js';
import { transactionRoutes } from './transactions.js';
import { userRoutes } from './users.js';

export interface LedgerRoutesOptions {
  service: LedgerService;
  users: LedgerUsers;
  auth: LedgerAuth;
  /** The ledger id `/ledgerIdentity/{ledgerId}` answers for. */
  ledgerId: string;
  serviceCertificatePem: string;
}

export { ledgerSerializer, ledgerErrorResponse } from './errors.js';

export async function ledgerRoutes(app: FastifyInstance, opts: LedgerRoutesOptions): Promise<void> {
  const scoped = (parent: FastifyInstance, routes: ((app: FastifyInstance, o: LedgerRoutesOptions) => Promise<void>) | undefined, prefix: string) =>
    parent.register(
      async (scope) => {
        surfaceErrors(scope, ledgerSerializer, { notFound: true, response: ledgerErrorResponse });
        if (routes) await routes(scope, opts);
        if (prefix === '/app') {
          await scoped(scope, transactionRoutes, '/transactions');
          await scoped(scope, collectionRoutes, '/collections');
          await scoped(scope, userRoutes, '/users');
        }
      },
      { prefix },
    );
  app.addHook('onListen', async () => opts.auth.announce(app.log));
  app.addHook('onClose', async () => opts.service.close());
  await scoped(app, undefined, '/app');
  await scoped(app, identityRoutes, '/ledgerIdentity');
}
