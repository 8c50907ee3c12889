/** POST /api/v2/marble/activate (docs/activation.md): the marble's side of the coordinator. */
import type { FastifyInstance } from 'fastify';
import { toBase64 } from '@confide/core';
import type { CoordinatorService } from '@confide/coordinator';
import { base64Field, success } from './client-api.js';
import type { FromSchema } from '../../services/wire/from-schema.js';
import type { PeerCertificateReader } from './peer-certificate.js';

const BODY = {
  type: 'object',
  required: ['marbleType', 'uuid', 'evidence'],
  properties: {
    marbleType: { type: 'string', minLength: 1, maxLength: 256 },
    uuid: { type: 'string', maxLength: 64 },
    tee: { type: 'string', enum: ['sim', 'sgx', 'sev-snp', 'tdx'] },
    evidence: { type: 'string', minLength: 1 },
    dnsNames: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 253 } },
  },
} as const;

function encodeAll(map: Record<string, Uint8Array>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, toBase64(v)]));
}

export async function activateRoutes(app: FastifyInstance, opts: { coordinator: CoordinatorService; peerCertificate: PeerCertificateReader }): Promise<void> {
  app.post<{ Body: FromSchema<typeof BODY> }>('/marble/activate', { schema: { body: BODY } }, async (request) => {
    const body = request.body;
    const out = await opts.coordinator.activate({
      marbleType: body.marbleType,
      uuid: body.uuid,
      tee: body.tee,
      evidence: base64Field(body.evidence, 'evidence'),
      dnsNames: body.dnsNames,
      clientCertificate: opts.peerCertificate(request),
    });
    request.log.info({ event: 'marble.activate', marbleType: body.marbleType, uuid: body.uuid }, 'coordinator: marble activated');
    return success({
      certificate: out.certificate,
      privateKey: out.privateKey,
      rootCertificate: out.rootCertificate,
      marbleRootCertificate: out.marbleRootCertificate,
      parameters: { files: encodeAll(out.parameters.files), env: encodeAll(out.parameters.env), argv: out.parameters.argv },
    });
  });
}
