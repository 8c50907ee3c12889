/**
 * Managed HSM's security domain routes: POST /securitydomain/download (202, the document in
 * `value`, Azure-AsyncOperation naming the pending status), GET /securitydomain/download/pending,
 * POST /securitydomain/upload and GET /securitydomain/upload/pending. Crypto Officer only.
 * Upload takes decrypted shares over TLS instead of Managed HSM's exchange-key encryption
 * (docs/keyvault-security-domain.md).
 */
import type { FastifyInstance } from 'fastify';
import type { KeyVaultAuth } from '../../plugins/keyvault-auth.js';
import type { SecurityDomainService } from '../../services/security-domain/index.js';
import { originOf } from './origin.js';
import { anyQuery } from './schemas.js';

const downloadBody = { type: 'object', required: ['certificates', 'required'], properties: { certificates: { type: 'array', maxItems: 10, items: { type: 'object' } }, required: { type: 'integer' } } } as const;
const uploadBody = { type: 'object', required: ['value', 'shares'], properties: { value: { type: 'string' }, shares: { type: 'array', maxItems: 255, items: { type: 'object' } } } } as const;

export function securityDomainRoutes(domain: SecurityDomainService) {
  return async (app: FastifyInstance, { auth }: { auth: KeyVaultAuth }): Promise<void> => {
    const officer = auth.require('officer');
    const tags = ['keyvault'];
    const pending = (status: () => string | undefined) => async () => ({ status: status() ?? 'Failed', status_details: status() === undefined ? 'no operation has run' : '' });
    app.post<{ Body: { certificates: unknown[]; required: number } }>(
      '/download',
      { onRequest: officer, schema: { summary: 'Download the security domain: activates a new vault (Managed HSM).', tags, querystring: anyQuery, body: downloadBody } },
      async (request, reply) => {
        const doc = await domain.download(request.body.certificates, request.body.required);
        void reply.code(202).header('azure-asyncoperation', `${originOf(request)}/securitydomain/download/pending`);
        return { value: JSON.stringify(doc) };
      },
    );
    app.get('/download/pending', { onRequest: officer, schema: { summary: 'Status of the security domain download.', tags, querystring: anyQuery } }, pending(() => domain.downloadStatus()));
    app.post<{ Body: { value: string; shares: unknown[] } }>(
      '/upload',
      { onRequest: officer, schema: { summary: 'Upload a quorum of decrypted security domain shares to restore the root key of a new vault.', tags, querystring: anyQuery, body: uploadBody } },
      async (request, reply) => {
        await domain.upload(request.body.value, request.body.shares);
        void reply.code(202).header('azure-asyncoperation', `${originOf(request)}/securitydomain/upload/pending`);
        return { status: 'Success' };
      },
    );
    app.get('/upload/pending', { onRequest: officer, schema: { summary: 'Status of the security domain upload.', tags, querystring: anyQuery } }, pending(() => domain.uploadStatus()));
  };
}
