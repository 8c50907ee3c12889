/** POST /attest/{type}: MAA attestation, one thin route over the attestation service. */
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../../errors/index.js';
import { ATTEST_BODY_SCHEMA, ATTESTATION_TYPES, type AttestationService, type AttestationType, type AttestBody } from '../../services/attestation/index.js';

const BY_LOWER = new Map<string, AttestationType>(ATTESTATION_TYPES.map((t) => [t.toLowerCase(), t]));

/** Registers the attest routes. */
export async function attestRoutes(app: FastifyInstance, opts: { service: AttestationService }): Promise<void> {
  app.post<{ Params: { type: string }; Body: AttestBody }>(
    '/:type',
    {
      schema: {
        summary: 'Attest evidence (MAA): SgxEnclave, OpenEnclave, SevSnpVm, TdxVm, Tpm (Confide: TPM evidence JSON in `report`), AzureGuest (an Azure CVM\'s guest attestation: `AttestationInfo`; the token may come back encrypted to the vTPM key), NvidiaGpu (Confide: NVIDIA GPU/NVSwitch evidence JSON in `report`), or Simulated (dev mode only). Any api-version.',
        tags: ['attestation'],
        params: { type: 'object', properties: { type: { type: 'string' } } },
        querystring: { type: 'object', properties: { 'api-version': { type: 'string' } } },
        body: ATTEST_BODY_SCHEMA,
        response: { 200: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] } },
      },
    },
    async (request) => {
      const type = BY_LOWER.get(request.params.type.toLowerCase());
      if (!type) throw new ServerError('ERR_NOT_FOUND', `no attestation type ${request.params.type}; expected one of ${ATTESTATION_TYPES.join(', ')}`);
      return opts.service.attest(type, request.body);
    },
  );
}
