/**
 * POST /keys/{name}/{version}/release and /keys/{name}/release (the latest version), as the
 * service has both. Managed HSM lets the Release and Crypto User roles release; Crypto Officer
 * manages keys but does not use them.
 */
import type { FastifyInstance } from 'fastify';
import type { KeyVaultAuth } from '../../plugins/keyvault-auth.js';
import type { KeyReleaseService, ReleaseRequest } from '../../services/key-release/index.js';
import { apiVersionOf, originOf } from './origin.js';
import { anyQuery, nameParams, versionParams } from './schemas.js';

const releaseBody = { type: 'object', required: ['target'], properties: { target: { type: 'string' }, nonce: { type: 'string' }, enc: { type: 'string' } } } as const;

/** The release routes over `release`, registered beside the key routes (KeyVaultRoutesOptions.extraKeyRoutes). */
export function releaseRoutes(release: KeyReleaseService) {
  return async (app: FastifyInstance, { auth }: { auth: KeyVaultAuth }): Promise<void> => {
    const releaser = auth.require('release', 'user');
    const schema = { summary: 'Release a key to an attested TEE (secure key release).', tags: ['keyvault'], querystring: anyQuery, body: releaseBody };
    app.post<{ Params: { name: string; version: string }; Body: ReleaseRequest }>('/:name/:version/release', { onRequest: releaser, schema: { ...schema, params: versionParams } }, async (request) =>
      release.release(request.params.name, request.params.version, request.body, originOf(request), apiVersionOf(request)),
    );
    app.post<{ Params: { name: string }; Body: ReleaseRequest }>('/:name/release', { onRequest: releaser, schema: { ...schema, params: nameParams } }, async (request) =>
      release.release(request.params.name, undefined, request.body, originOf(request), apiVersionOf(request)),
    );
  };
}
