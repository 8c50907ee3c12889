/**
 * The key lifecycle routes: create, import, get, update, list, versions, rotate, rotation policy,
 * backup, restore, delete. Thin: the service does the work, the keyvault package the wire shape.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toBase64Url } from '@confide/core';
import { keyBundle, keyItem } from '@confide/keyvault';
import type { KeyVaultAuth } from '../../plugins/keyvault-auth.js';
import type { CreateKeyBody, ImportKeyBody, KeyVaultService, UpdateKeyBody } from '../../services/keyvault/index.js';
import { nextLinkOf, originOf, pagingOf } from './origin.js';
import { anyQuery, createBody, importBody, nameParams, restoreBody, rotationPolicyBody, updateBody, versionParams } from './schemas.js';

export interface KeyRouteOptions {
  service: KeyVaultService;
  auth: KeyVaultAuth;
}

type Named = { Params: { name: string } };
type Versioned = { Params: { name: string; version: string } };

const tags = ['keyvault'];

export async function keyRoutes(app: FastifyInstance, { service, auth }: KeyRouteOptions): Promise<void> {
  const manage = auth.require('officer');
  const read = auth.require('officer', 'user');
  const rotationPolicy = (request: FastifyRequest, name: string, policy: object) => ({ id: `${originOf(request)}/keys/${name}/rotationpolicy`, ...policy });

  app.post<Named & { Body: CreateKeyBody }>('/:name/create', { onRequest: manage, schema: { summary: 'Create a key (Key Vault keys API).', tags, params: nameParams, querystring: anyQuery, body: createBody } }, async (request) =>
    keyBundle(await service.create(request.params.name, request.body), originOf(request)),
  );

  app.put<Named & { Body: ImportKeyBody }>('/:name', { onRequest: manage, schema: { summary: 'Import a key from a JWK.', tags, params: nameParams, querystring: anyQuery, body: importBody } }, async (request) =>
    keyBundle(await service.importKey(request.params.name, request.body), originOf(request)),
  );

  app.get<{ Querystring: Record<string, string> }>('', { onRequest: read, schema: { summary: 'List keys (latest version of each), paged by nextLink.', tags, querystring: anyQuery } }, async (request) => {
    const { maxresults, after } = pagingOf(request);
    const page = await service.listKeys(maxresults, after);
    return { value: page.items.map((m) => keyItem(m, originOf(request))), nextLink: nextLinkOf(request, '/keys', page.next, maxresults) };
  });

  const getLatest = async (request: FastifyRequest<Named>) => keyBundle(await service.get(request.params.name), originOf(request));
  app.get<Named>('/:name/', { onRequest: read, schema: { summary: 'Get the latest version of a key.', tags, params: nameParams, querystring: anyQuery } }, getLatest);
  app.get<Named>('/:name', { onRequest: read, schema: { summary: 'Get the latest version of a key.', tags, params: nameParams, querystring: anyQuery } }, getLatest);

  app.get<Named>('/:name/versions', { onRequest: read, schema: { summary: 'List the versions of a key, paged by nextLink.', tags, params: nameParams, querystring: anyQuery } }, async (request) => {
    const { maxresults, after } = pagingOf(request);
    const page = await service.listVersions(request.params.name, maxresults, after);
    return { value: page.items.map((m) => keyItem(m, originOf(request))), nextLink: nextLinkOf(request, `/keys/${request.params.name}/versions`, page.next, maxresults) };
  });

  app.get<Versioned>('/:name/:version', { onRequest: read, schema: { summary: 'Get a version of a key.', tags, params: versionParams, querystring: anyQuery } }, async (request) =>
    keyBundle(await service.get(request.params.name, request.params.version), originOf(request)),
  );

  const update = async (request: FastifyRequest<{ Params: { name: string; version?: string }; Body: UpdateKeyBody }>) =>
    keyBundle(await service.update(request.params.name, request.params.version || undefined, request.body ?? {}), originOf(request));
  app.patch<Versioned & { Body: UpdateKeyBody }>('/:name/:version', { onRequest: manage, schema: { summary: 'Update a key version: attributes, tags, key_ops, release policy while mutable.', tags, params: versionParams, querystring: anyQuery, body: updateBody } }, update);
  app.patch<Named & { Body: UpdateKeyBody }>('/:name/', { onRequest: manage, schema: { summary: 'Update the latest version of a key.', tags, params: nameParams, querystring: anyQuery, body: updateBody } }, update);

  app.post<Named>('/:name/rotate', { onRequest: manage, schema: { summary: 'Rotate a key: a new version with the same type, size and properties.', tags, params: nameParams, querystring: anyQuery } }, async (request) =>
    keyBundle(await service.rotate(request.params.name), originOf(request)),
  );

  app.get<Named>('/:name/rotationpolicy', { onRequest: read, schema: { summary: 'Get the rotation policy of a key.', tags, params: nameParams, querystring: anyQuery } }, async (request) =>
    rotationPolicy(request, request.params.name, await service.getRotationPolicy(request.params.name)),
  );
  app.put<Named & { Body: unknown }>('/:name/rotationpolicy', { onRequest: manage, schema: { summary: 'Set the rotation policy of a key.', tags, params: nameParams, querystring: anyQuery, body: rotationPolicyBody } }, async (request) =>
    rotationPolicy(request, request.params.name, await service.setRotationPolicy(request.params.name, request.body)),
  );

  app.post<Named>('/:name/backup', { onRequest: manage, schema: { summary: 'Back up every version of a key as a blob only this vault root can restore.', tags, params: nameParams, querystring: anyQuery } }, async (request) => ({
    value: toBase64Url(await service.backup(request.params.name)),
  }));
  app.post<{ Body: { value: string } }>('/restore', { onRequest: manage, schema: { summary: 'Restore a key from a backup blob.', tags, querystring: anyQuery, body: restoreBody } }, async (request) =>
    keyBundle(await service.restore(request.body.value), originOf(request)),
  );

  app.delete<Named>('/:name', { onRequest: manage, schema: { summary: 'Delete a key (soft delete: recoverable until purged).', tags, params: nameParams, querystring: anyQuery } }, async (request) => {
    const { meta, deleted } = await service.delete(request.params.name);
    return keyBundle(meta, originOf(request), deleted);
  });
}
