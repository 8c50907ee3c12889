/**
 * The MAA-compatible surface as one encapsulated plugin: attest routes, token keys (/certs,
 * OpenID metadata) and, when configured, policy management. Its errors are MAA's CloudError,
 * and the headers the Azure SDK reads go on every reply, errors included.
 */
import type { FastifyInstance } from 'fastify';
import type { BearerAuth } from '../../plugins/bearer-auth.js';
import { maaErrorResponse } from '../../plugins/error-responses.js';
import { surfaceErrors } from '../../plugins/problem.js';
import type { AttestationService } from '../../services/attestation/index.js';
import type { PolicyAdmin } from '../../services/attestation/admin/index.js';
import type { TokenService } from '../../services/attestation/tokens/index.js';
import { VERSION } from '../../version.js';
import { attestRoutes } from './attest.js';
import { certificateRoutes } from './certificates.js';
import { maaSerializer } from './errors.js';
import { tokenRoutes } from './keys.js';
import { policyRoutes } from './policies.js';

export interface MaaRoutesOptions {
  service: AttestationService;
  tokens: TokenService;
  /** Policy management (/policies, /certificates); absent, those routes are not served. */
  admin?: { admin: PolicyAdmin; auth: BearerAuth } | undefined;
}

/** Registers the MAA routes. /attest/* and /policies/* are prefixes of their own, so unknown paths under them answer in MAA's format too. */
export async function maaRoutes(app: FastifyInstance, opts: MaaRoutesOptions): Promise<void> {
  surfaceErrors(app, maaSerializer, { notFound: false, response: maaErrorResponse });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-ms-request-id', request.id).header('x-ms-maa-service-version', `confide-${VERSION}`);
  });
  await app.register(
    async (attest) => {
      surfaceErrors(attest, maaSerializer, { notFound: true, response: maaErrorResponse });
      await attest.register(attestRoutes, { service: opts.service });
    },
    { prefix: '/attest' },
  );
  await app.register(tokenRoutes, { tokens: opts.tokens });
  const admin = opts.admin;
  if (admin) {
    // Once listening, not at registration: a start that fails (port taken) prints only its error.
    app.addHook('onListen', async () => admin.auth.announce(app.log));
    await app.register(
      async (policies) => {
        surfaceErrors(policies, maaSerializer, { notFound: true, response: maaErrorResponse });
        await policies.register(policyRoutes, admin);
      },
      { prefix: '/policies' },
    );
    await app.register(certificateRoutes, admin);
  }
}
