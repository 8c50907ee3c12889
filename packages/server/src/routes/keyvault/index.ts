/**
 * The Azure Key Vault / Managed HSM keys surface as one encapsulated plugin: /keys, /deletedkeys
 * and /rng, each a prefix of its own so unknown paths under them answer in Key Vault's error
 * format. Every route authenticates first (the challenge) and needs a Managed HSM role.
 */
import type { FastifyInstance } from 'fastify';
import type { KeyVaultAuth } from '../../plugins/keyvault-auth.js';
import { surfaceErrors } from '../../plugins/problem.js';
import type { KeyVaultService } from '../../services/keyvault/index.js';
import { deletedKeyRoutes } from './deleted-keys.js';
import { keyVaultErrorResponse, keyVaultSerializer } from './errors.js';
import { keyRoutes } from './keys.js';
import { operationRoutes } from './operations.js';
import { rngRoutes } from './rng.js';

export interface KeyVaultRoutesOptions {
  service: KeyVaultService;
  auth: KeyVaultAuth;
  /** More routes under /keys (the release route), given the same service and auth. */
  extraKeyRoutes?: Array<(app: FastifyInstance, opts: { service: KeyVaultService; auth: KeyVaultAuth }) => Promise<void>> | undefined;
  /** The /securitydomain routes (Managed HSM), given the same auth. */
  securityDomainRoutes?: ((app: FastifyInstance, opts: { auth: KeyVaultAuth }) => Promise<void>) | undefined;
}

export { keyVaultSerializer, keyVaultErrorResponse } from './errors.js';

export async function keyVaultRoutes(app: FastifyInstance, opts: KeyVaultRoutesOptions): Promise<void> {
  const scoped = (routes: Array<(app: FastifyInstance, o: KeyVaultRoutesOptions) => Promise<void>>, prefix: string) =>
    app.register(
      async (scope) => {
        surfaceErrors(scope, keyVaultSerializer, { notFound: true, response: keyVaultErrorResponse });
        for (const r of routes) await scope.register(r, opts);
      },
      { prefix },
    );
  app.addHook('onListen', async () => opts.auth.announce(app.log));
  // A request is open until its response closes (sent, or the connection gone): RSA threads serve only requests with company.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.raw.once('close', opts.service.requestOpened());
    done();
  });
  app.addHook('onClose', async () => opts.service.close());
  await scoped([keyRoutes, operationRoutes, ...(opts.extraKeyRoutes ?? [])], '/keys');
  await scoped([deletedKeyRoutes], '/deletedkeys');
  await scoped([rngRoutes], '/rng');
  if (opts.securityDomainRoutes) await scoped([opts.securityDomainRoutes], '/securitydomain');
}
