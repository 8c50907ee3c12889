/** Random bytes from the vault (Managed HSM's rng). */
import type { FastifyInstance } from 'fastify';
import { toBase64Url } from '@confide/core';
import type { KeyVaultAuth } from '../../plugins/keyvault-auth.js';
import type { KeyVaultService } from '../../services/keyvault/index.js';
import { anyQuery, rngBody } from './schemas.js';

export async function rngRoutes(app: FastifyInstance, { service, auth }: { service: KeyVaultService; auth: KeyVaultAuth }): Promise<void> {
  app.post<{ Body: { count: number } }>(
    '',
    { onRequest: auth.require('user', 'officer'), schema: { summary: 'Random bytes (1 to 128).', tags: ['keyvault'], querystring: anyQuery, body: rngBody } },
    async (request) => ({ value: toBase64Url(service.random(request.body.count)) }),
  );
}
