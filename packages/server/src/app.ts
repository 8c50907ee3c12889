/**
 * Builds the HTTP application: plugins, error handling, and every service's routes. Starting
 * a listener, TLS files and signals belong to serve.ts, so tests can `inject()` this directly.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { systemClock, type Clock } from '@confide/core';
import { emptyCollateral, type CollateralProvider, type TrustAnchors } from '@confide/evidence';
import type { Store } from '@confide/store';
import { installProblemHandlers } from './plugins/problem.js';
import { registerOpenApi } from './plugins/openapi.js';
import { healthRoutes } from './routes/system/health.js';
import { maaRoutes } from './routes/maa/index.js';
import { marbleRunRoutes, type MarbleRunRoutesOptions } from './routes/marblerun/index.js';
import { policyRoutes } from './routes/maa/policies.js';
import { certificateRoutes } from './routes/maa/certificates.js';
import { createPolicyAdmin, type MaaAdminAppOptions } from './services/attestation/admin/index.js';
import { createAttestationService } from './services/attestation/index.js';
import type { TokenService } from './services/attestation/tokens/index.js';
import { VERSION } from './version.js';

export interface AppOptions {
  store: Store;
  bodyLimit: number;
  /** pino options or false; logs never include headers, bodies or secrets. */
  logger?: FastifyServerOptions['logger'];
  /** TLS: requestCert without rejectUnauthorized lets client certificates reach the coordinator routes. */
  https?: { key: string | Buffer; cert: string | Buffer; requestCert?: boolean; rejectUnauthorized?: boolean } | undefined;
  /** The MarbleRun-compatible coordinator surface; absent, its routes are not registered. */
  coordinator?: MarbleRunRoutesOptions | undefined;
  /** The MAA-compatible attestation surface; absent, its routes are not registered. */
  attestation?: AttestationAppOptions | undefined;
}

export interface AttestationAppOptions {
  tokens: TokenService;
  /** Collateral for evidence verification (default: none, so hardware evidence fails ERR_COLLATERAL_MISSING). */
  collateral?: CollateralProvider | undefined;
  /** Verification time (default: the system clock; tests pin it for real vectors). */
  clock?: Clock | undefined;
  /** Simulation public keys for /attest/Simulated; absent (production), the endpoint answers 404. */
  simulationKeys?: (() => Promise<ReadonlyArray<CryptoKey | Uint8Array>>) | undefined;
  /** Replaces the pinned vendor roots (tests only). */
  trustAnchors?: TrustAnchors | undefined;
  /** Policy management (/policies, /certificates): mode, bearer auth, initial certificates; absent, those routes are not registered. */
  admin?: MaaAdminAppOptions | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit,
    // An incoming x-request-id is kept only when it looks like an id; otherwise a fresh UUID.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(options.https ? { https: options.https } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  installProblemHandlers(app);
  await registerOpenApi(app, VERSION);
  await app.register(healthRoutes, { store: options.store });
  const att = options.attestation;
  if (att) {
    const service = createAttestationService({
      settings: options.store.settings,
      tokens: att.tokens,
      collateral: att.collateral ?? emptyCollateral,
      clock: att.clock ?? systemClock,
      ...(att.simulationKeys ? { simulationKeys: att.simulationKeys } : {}),
      ...(att.trustAnchors ? { trustAnchors: att.trustAnchors } : {}),
    });
    await app.register(maaRoutes, { service, tokens: att.tokens });
    if (att.admin) {
      const admin = await createPolicyAdmin({ store: options.store, tokens: att.tokens, mode: att.admin.mode, initialCertificates: att.admin.initialCertificates });
      for (const routes of [policyRoutes, certificateRoutes]) await app.register(routes, { admin, auth: att.admin.auth });
    }
  }
  if (options.coordinator) await app.register(marbleRunRoutes, options.coordinator);
  return app;
}
