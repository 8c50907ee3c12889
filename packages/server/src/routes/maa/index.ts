/**
 * The MAA-compatible surface: attest routes and token keys (/certs, OpenID metadata) under one encapsulated plugin
 * that writes MAA's error format and the response headers the Azure SDK reads.
 */
import type { FastifyInstance } from 'fastify';
import type { AttestationService } from '../../services/attestation/index.js';
import type { TokenService } from '../../services/attestation/tokens/index.js';
import { VERSION } from '../../version.js';
import { attestRoutes } from './attest.js';
import { registerMaaErrors } from './errors.js';
import { tokenRoutes } from './keys.js';

export interface MaaRoutesOptions {
  service: AttestationService;
  tokens: TokenService;
}

/** Registers the MAA routes; headers x-ms-request-id and x-ms-maa-service-version go on every reply, errors included. */
export async function maaRoutes(app: FastifyInstance, opts: MaaRoutesOptions): Promise<void> {
  registerMaaErrors();
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-ms-request-id', request.id).header('x-ms-maa-service-version', `confide-${VERSION}`);
  });
  await app.register(attestRoutes, { service: opts.service });
  await app.register(tokenRoutes, { tokens: opts.tokens });
}
