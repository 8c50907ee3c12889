/** POST /attest/{type}: MAA attestation, one thin route over the attestation service. */
import type { FastifyInstance } from 'fastify';
import { ConfideError } from '@confide/core';
import { ATTESTATION_TYPES, type AttestationService, type AttestationType } from '../../services/attestation/index.js';

const BY_LOWER = new Map<string, AttestationType>(ATTESTATION_TYPES.map((t) => [t.toLowerCase(), t]));

const dataSchema = {
  type: 'object',
  properties: { data: { type: 'string', description: 'base64url, padded or not' }, dataType: { type: 'string', enum: ['Binary', 'JSON'] } },
} as const;

const bodySchema = {
  type: 'object',
  description:
    'AttestSgxEnclaveRequest / AttestOpenEnclaveRequest / AttestSevSnpVmRequest / AttestTdxVmRequest. ' +
    'SgxEnclave and TdxVm take `quote`, OpenEnclave and SevSnpVm take `report`, Simulated either.',
  properties: {
    quote: { type: 'string' },
    report: { type: 'string' },
    runtimeData: dataSchema,
    initTimeData: dataSchema,
    draftPolicyForAttestation: { type: 'string' },
    nonce: { anyOf: [{ type: 'string' }, { type: 'number' }] },
  },
} as const;

/** Registers the attest routes. */
export async function attestRoutes(app: FastifyInstance, opts: { service: AttestationService }): Promise<void> {
  app.post<{ Params: { type: string }; Body: unknown }>(
    '/:type',
    {
      schema: {
        summary: 'Attest evidence (MAA): SgxEnclave, OpenEnclave, SevSnpVm, TdxVm, or Simulated (dev mode only). Any api-version.',
        tags: ['attestation'],
        params: { type: 'object', properties: { type: { type: 'string' } } },
        querystring: { type: 'object', properties: { 'api-version': { type: 'string' } } },
        body: bodySchema,
        response: { 200: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] } },
      },
    },
    async (request) => {
      const type = BY_LOWER.get(request.params.type.toLowerCase());
      if (!type) throw new ConfideError('ERR_NOT_FOUND', `no attestation type ${request.params.type}; expected one of ${ATTESTATION_TYPES.join(', ')}`);
      return opts.service.attest(type, request.body);
    },
  );
}
