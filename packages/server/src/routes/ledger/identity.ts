/**
 * GET /ledgerIdentity/{ledgerId}: the identity document `getLedgerIdentity` reads (in Azure from
 * identity.confidential-ledger.core.azure.com; here from this server, given as its second argument).
 * Public, like the identity service.
 */
import type { FastifyInstance } from 'fastify';
import { LedgerError } from '@confide/ledger';

export async function identityRoutes(app: FastifyInstance, { ledgerId, serviceCertificatePem }: { ledgerId: string; serviceCertificatePem: string }): Promise<void> {
  app.get<{ Params: { ledgerId: string } }>(
    '/:ledgerId',
    { schema: { summary: 'The ledger\'s service identity certificate.', tags: ['ledger'], params: { type: 'object', properties: { ledgerId: { type: 'string', maxLength: 256 } }, required: ['ledgerId'] } } },
    async (request) => {
      if (request.params.ledgerId !== ledgerId) throw new LedgerError('ERR_NOT_FOUND', `this server serves the ledger ${ledgerId}`, { details: { ledgerId } });
      return { ledgerId, ledgerTlsCertificate: serviceCertificatePem };
    },
  );
}
