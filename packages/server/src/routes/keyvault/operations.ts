/** The cryptographic operations on a key version: sign, verify, encrypt, decrypt, wrapkey, unwrapkey. */
import type { FastifyInstance } from 'fastify';
import { toBase64Url } from '@confide/core';
import { kidOf } from '@confide/keyvault';
import type { KeyVaultAuth } from '../../plugins/keyvault-auth.js';
import type { KeyVaultService, OperationName, OperationRequest } from '../../services/keyvault/index.js';
import { originOf } from './origin.js';
import { anyQuery, operationBody, versionParams } from './schemas.js';

const OPERATIONS: Record<string, OperationName> = { sign: 'sign', verify: 'verify', encrypt: 'encrypt', decrypt: 'decrypt', wrapkey: 'wrapKey', unwrapkey: 'unwrapKey' };

export async function operationRoutes(app: FastifyInstance, { service, auth }: { service: KeyVaultService; auth: KeyVaultAuth }): Promise<void> {
  const use = auth.require('user');
  for (const [path, op] of Object.entries(OPERATIONS)) {
    app.post<{ Params: { name: string; version: string }; Body: OperationRequest }>(
      `/:name/:version/${path}`,
      { onRequest: use, schema: { summary: `${op} with a key version (Key Vault keys API).`, tags: ['keyvault'], params: versionParams, querystring: anyQuery, body: operationBody } },
      async (request) => {
        const { name, version } = request.params;
        const result = await service.operate(name, version, op, request.body);
        if (result.verified !== undefined) return { value: result.verified };
        return {
          kid: kidOf(originOf(request), result.meta.name, result.meta.version),
          value: toBase64Url(result.value!),
          ...(result.iv ? { iv: toBase64Url(result.iv) } : {}),
          ...(result.tag ? { tag: toBase64Url(result.tag) } : {}),
          ...(result.aad ? { aad: toBase64Url(result.aad) } : {}),
        };
      },
    );
  }
}
