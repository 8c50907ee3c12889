/**
 * MarbleRun's deprecated v1 client API, which its coordinator still serves beside v2
 * (coordinator/server/server.go CreateServeMux; handlers in coordinator/server/v1/v1.go, shapes
 * in v1/types.go): bodies are the raw manifest or secrets JSON, answers use Go's field names, and
 * every failure is JSend `error`. Served on the client API listener only, where the paths at the
 * root are MarbleRun's; the shared listener keeps its root paths for Confide's own surfaces.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toBase64 } from '@confide/core';
import type { CoordinatorService } from '@confide/coordinator';
import { ServerError } from '../../errors/index.js';
import { pendingUpdateAnswer, secretsQuery, success, uploadsOf } from './client-api.js';
import type { PeerCertificateReader } from './peer-certificate.js';

export interface V1RoutesOptions {
  coordinator: CoordinatorService;
  peerCertificate: PeerCertificateReader;
}

/** The raw body as bytes (the client API app parses no v1 body). Throws ERR_VALIDATION when there is none. */
function rawBody(request: FastifyRequest): Uint8Array {
  const body = request.body;
  if (!(body instanceof Uint8Array) || body.length === 0) throw new ServerError('ERR_VALIDATION', 'the request has no body');
  return body;
}

/** A raw body that is a JSON object. Throws ERR_BODY_MALFORMED. */
function jsonObject(request: FastifyRequest): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(rawBody(request)).toString('utf8'));
  } catch (err) {
    throw new ServerError('ERR_BODY_MALFORMED', `the body is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ServerError('ERR_BODY_MALFORMED', 'the body is not a JSON object');
  return value as Record<string, unknown>;
}

/** v1.go's messages for an acknowledgement (without v2's list of users). */
function ackMessage(missing: number): string {
  if (missing === 0) return 'All users have acknowledged the update manifest. Update successfully applied';
  return missing === 1 ? '1 user still needs to acknowledge the update manifest' : `${missing} users still need to acknowledge the update manifest`;
}

export async function v1Routes(app: FastifyInstance, opts: V1RoutesOptions): Promise<void> {
  const c = opts.coordinator;
  const cert = (request: FastifyRequest) => opts.peerCertificate(request);

  app.get('/status', async () => {
    const { code, message } = await c.status();
    return success({ StatusCode: code, StatusMessage: message });
  });

  app.get('/manifest', async () => {
    try {
      const m = await c.getManifest();
      return success({ ManifestSignatureRootECDSA: toBase64(m.signature), ManifestSignature: m.fingerprint, Manifest: toBase64(m.manifest) });
    } catch {
      // v1.go ManifestGet: "backwards compatibility, return empty response".
      return success({ ManifestSignatureRootECDSA: null, ManifestSignature: '', Manifest: null });
    }
  });

  app.post('/manifest', async (request) => {
    const out = await c.setManifest(rawBody(request), cert(request));
    const secrets = out.recoverySecrets && Object.keys(out.recoverySecrets).length > 0 ? out.recoverySecrets : undefined;
    return success(secrets ? { RecoverySecrets: secrets } : null);
  });

  app.get('/quote', async () => {
    const q = await c.quote();
    return success({ Cert: q.cert, Quote: toBase64(q.quote) });
  });

  app.post('/recover', async () => {
    throw new ServerError('ERR_API_REMOVED', 'Recovering the Coordinator using the /recover API endpoint has been disabled. Use the /api/v2/recover endpoint instead.');
  });

  app.get('/update', async () => success((await c.updateLog()).join('\n') + '\n'));

  app.post('/update', async (request) => {
    await c.update(cert(request), rawBody(request));
    return success(null);
  });

  app.get('/secrets', async (request) => {
    const { user, names } = await secretsQuery(c, cert(request), request);
    return success(await c.getSecrets(user, names));
  });

  app.post('/secrets', async (request) => {
    const user = cert(request);
    await c.authenticate(user);
    await c.writeSecrets(user, uploadsOf(jsonObject(request)));
    return success(null);
  });

  app.get('/update-manifest', async () => pendingUpdateAnswer(c));

  app.post('/update-manifest', async (request) => {
    const out = await c.acknowledgeUpdate(cert(request), rawBody(request));
    return success(ackMessage(out.result.missingAcknowledgments));
  });

  app.post('/update-cancel', async (request) => {
    await c.cancelUpdate(cert(request));
    return success('Update successfully cancelled');
  });
}
