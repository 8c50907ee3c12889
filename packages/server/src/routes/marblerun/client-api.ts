/**
 * MarbleRun's client API v2 (JSend): status, manifest, quote, secrets, updates, recovery,
 * sign-quote, plus Confide's audit log. Routes only decode, call the coordinator, encode.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fromBase64, toBase64 } from '@confide/core';
import { ServerError } from '../../errors/index.js';
import type { CoordinatorService, UpdateProgress } from '@confide/coordinator';
import type { FromSchema } from '../../services/wire/from-schema.js';
import type { PeerCertificateReader } from './peer-certificate.js';
import type { JsendShape } from './errors.js';

export interface ClientApiOptions {
  coordinator: CoordinatorService;
  peerCertificate: PeerCertificateReader;
}

/**
 * MarbleRun's update answers (coordinator/server/v2/types.go UpdateApplyResponse,
 * UpdateManifestPostResponse): `recoverySecrets` in lower case and left out when none were made
 * (omitzero), `missingUsers` null once the update applied (clientapi returns a nil slice then).
 */
function updateAnswer(p: UpdateProgress, recoverySecrets: Record<string, string> | undefined): Record<string, unknown> {
  return { missingUsers: p.applied ? null : p.missingUsers, missingAcknowledgments: p.missingAcknowledgments, ...(recoverySecrets ? { recoverySecrets } : {}) };
}

/**
 * sign-quote's failures as v2.go SignQuotePost writes them: a body it cannot decode, and evidence
 * that does not verify, are `fail` 400 with `data: {sgxQuote: why}`.
 */
const signQuoteFailure: JsendShape = (problem, error) => {
  if (problem.code === 'ERR_VALIDATION' || problem.code === 'ERR_BODY_MALFORMED') return { kind: 'fail', status: 400, message: `bad request: ${problem.message}`, data: { sgxQuote: 'failed to parse JSON data' } };
  const evidence = problem.code.startsWith('ERR_EVIDENCE_') || problem.code.startsWith('ERR_COLLATERAL_');
  return evidence && error !== undefined ? { kind: 'fail', status: 400, message: 'quote verification failed', data: { sgxQuote: problem.message } } : undefined;
};

/** recover's failures as v2.go RecoverPost writes them: a secret that does not decrypt under the ephemeral key is `fail` 400. */
const recoverFailure: JsendShape = (problem) => (problem.code === 'ERR_RECOVERY_SHARE_INVALID' && problem.details?.['reason'] === 'length' ? { kind: 'fail' } : undefined);

/** JSend success. */
export function success(data: unknown): { status: 'success'; data: unknown } {
  return { status: 'success', data };
}

/** Decodes a base64 field the route's schema has typed as a string. Throws ERR_VALIDATION naming the field. */
export function base64Field(value: string, field: string): Uint8Array {
  try {
    return fromBase64(value);
  } catch {
    throw new ServerError('ERR_VALIDATION', `${field} is not base64`, { details: { field } });
  }
}

/** A JSON body with one required base64 field, as most client API calls send. */
function base64Body<F extends string>(field: F) {
  return { type: 'object', properties: { [field]: { type: 'string' } }, required: [field] } as { type: 'object'; properties: Record<F, { type: 'string' }>; required: F[] };
}

const MANIFEST_BODY = base64Body('manifest');
type ManifestBody = FromSchema<typeof MANIFEST_BODY>;
const SECRETS_BODY = { type: 'object', required: ['secrets'], properties: { secrets: { type: 'object' } } } as const;
const RECOVER_BODY = {
  type: 'object',
  required: ['recoverySecret'],
  properties: { recoverySecret: { type: 'string' }, recoverySecretSignature: { type: 'string', nullable: true }, keyName: { type: 'string' } },
} as const;
const SIGN_QUOTE_BODY = base64Body('sgxQuote');
/** `after`: only the entries after this seq (Confide's addition, so a reader fetches what is new); a decimal below 2^53. */
const AUDIT_LOG_QUERY = { type: 'object', properties: { after: { type: 'string', pattern: '^(0|[1-9][0-9]{0,14})$' } } } as const;

function ackMessage(p: UpdateProgress): string {
  if (p.applied) return 'All users have acknowledged the update manifest. Update successfully applied';
  const who = `The following users have not yet accepted: ${p.missingUsers.join(', ')}`;
  return p.missingAcknowledgments === 1 ? `1 user still needs to acknowledge the update manifest.\n${who}` : `${p.missingAcknowledgments} users still need to acknowledge the update manifest.\n${who}`;
}

/** Secret upload fields in MarbleRun's JSON are matched case-insensitively (Go's decoder does). */
function canonicalUpload(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value as Record<string, string>;
  const names: Record<string, string> = { cert: 'Cert', private: 'Private', key: 'Key', data: 'Data' };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [names[k.toLowerCase()] ?? k, v as string]));
}

/**
 * GET /secrets' user and names, checked in v1.go's and v2.go's order: the user first (401), then
 * the query `?s=a&s=b` (400). Throws ERR_UNAUTHENTICATED, ERR_VALIDATION.
 */
export async function secretsQuery(c: CoordinatorService, user: Uint8Array | undefined, request: FastifyRequest): Promise<{ user: Uint8Array | undefined; names: string[] }> {
  await c.authenticate(user);
  const raw = (request.query as Record<string, unknown>)['s'];
  const names = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (names.length === 0) throw new ServerError('ERR_VALIDATION', 'invalid query: endpoint requires at least one query parameter');
  if (names.some((n) => typeof n !== 'string' || n === '')) throw new ServerError('ERR_VALIDATION', 'malformed query string: empty query parameter');
  return { user, names: names as string[] };
}

/** POST /secrets' map with every upload's field names made canonical. */
export function uploadsOf(secrets: Record<string, unknown>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, canonicalUpload(v)]));
}

/** GET /update-manifest's answer (v2.go UpdateManifestGet, which v1 serves too) plus Confide's count. Throws ERR_NOT_FOUND. */
export async function pendingUpdateAnswer(c: CoordinatorService): Promise<ReturnType<typeof success>> {
  const p = await c.pendingUpdate();
  const message = p.missingAcknowledgments === 1 ? '1 user still needs to acknowledge the update manifest' : `${p.missingAcknowledgments} users still need to acknowledge the update manifest`;
  return success({ manifest: toBase64(p.manifest), message, missingUsers: p.missingUsers, missingAcknowledgments: p.missingAcknowledgments });
}

export async function clientApiRoutes(app: FastifyInstance, opts: ClientApiOptions): Promise<void> {
  const c = opts.coordinator;
  const cert = (request: FastifyRequest) => opts.peerCertificate(request);

  app.get('/status', async () => {
    const { code, message } = await c.status();
    return success({ code, message });
  });

  app.get('/manifest', async () => {
    const m = await c.getManifest();
    return success({ manifestSignatureRootECDSA: toBase64(m.signature), manifestFingerprint: m.fingerprint, manifest: toBase64(m.manifest) });
  });

  app.post<{ Body: ManifestBody }>('/manifest', { schema: { body: MANIFEST_BODY } }, async (request) => {
    const out = await c.setManifest(base64Field(request.body.manifest, 'manifest'), cert(request));
    request.log.info({ event: 'manifest.set' }, 'coordinator: manifest set');
    // The check's warnings ride beside MarbleRun's field: its clients ignore what they do not know.
    return success({ RecoverySecrets: out.recoverySecrets && Object.keys(out.recoverySecrets).length > 0 ? out.recoverySecrets : null, warnings: out.result.warnings });
  });

  app.get('/quote', async (request) => {
    const nonceText = (request.query as Record<string, unknown>)['nonce'];
    let nonce: Uint8Array | undefined;
    if (nonceText !== undefined && nonceText !== '') {
      if (typeof nonceText !== 'string') throw new ServerError('ERR_VALIDATION', 'invalid query: nonce must be given once');
      try {
        nonce = fromBase64(nonceText);
      } catch {
        throw new ServerError('ERR_VALIDATION', 'invalid query: bad nonce format', { details: { field: 'nonce' } });
      }
    }
    const q = await c.quote(nonce);
    const tlsBinding = q.tlsBinding ? { spkiSha256: q.tlsBinding.spkiSha256, signature: toBase64(q.tlsBinding.signature) } : undefined;
    return success({ cert: q.cert, quote: toBase64(q.quote), ...(tlsBinding ? { tlsBinding } : {}) });
  });

  app.get('/secrets', async (request) => {
    const { user, names } = await secretsQuery(c, cert(request), request);
    return success({ secrets: await c.getSecrets(user, names) });
  });

  app.post<{ Body: FromSchema<typeof SECRETS_BODY> }>('/secrets', { schema: { body: SECRETS_BODY } }, async (request) => {
    const secrets = request.body.secrets;
    await c.writeSecrets(cert(request), uploadsOf(secrets));
    return success(null);
  });

  const updateLog = async () => success({ updateLog: await c.updateLog() });
  app.get('/update', updateLog);
  app.get('/update-log', updateLog);

  app.post<{ Body: ManifestBody }>('/update', { schema: { body: MANIFEST_BODY } }, async (request) => {
    const out = await c.update(cert(request), base64Field(request.body.manifest, 'manifest'));
    request.log.info({ event: 'update', missingAcknowledgments: out.result.missingAcknowledgments }, out.result.missingAcknowledgments === 0 ? 'coordinator: update applied' : 'coordinator: update proposed');
    return success({ ...updateAnswer(out.result, out.recoverySecrets), warnings: out.result.warnings });
  });

  app.get('/update-manifest', async () => pendingUpdateAnswer(c));

  app.post<{ Body: ManifestBody }>('/update-manifest', { schema: { body: MANIFEST_BODY } }, async (request) => {
    const out = await c.acknowledgeUpdate(cert(request), base64Field(request.body.manifest, 'manifest'));
    if (out.result.applied) request.log.info({ event: 'update.applied' }, 'coordinator: update applied');
    return success({ message: ackMessage(out.result), ...updateAnswer(out.result, out.recoverySecrets) });
  });

  app.post('/update-cancel', async (request) => {
    await c.cancelUpdate(cert(request));
    request.log.info({ event: 'update.cancelled' }, 'coordinator: update cancelled');
    return success({ message: 'Update successfully cancelled' });
  });

  app.post<{ Body: FromSchema<typeof RECOVER_BODY> }>('/recover', { schema: { body: RECOVER_BODY }, config: { jsend: recoverFailure } }, async (request) => {
    const signature = request.body.recoverySecretSignature;
    const { remaining } = await c.recover(
      base64Field(request.body.recoverySecret, 'recoverySecret'),
      request.body.keyName,
      typeof signature === 'string' && signature !== '' ? base64Field(signature, 'recoverySecretSignature') : undefined,
    );
    if (remaining === 0) request.log.info({ event: 'recovery.complete' }, 'coordinator: recovered, recovery mode left');
    const message = remaining === 0 ? 'Recovery successful.' : `Secret was processed successfully. Upload the next secret. Remaining secrets: ${remaining}`;
    return success({ remaining, message });
  });

  app.get('/recover/public-key', async () => success({ algorithm: 'RSA', ephemeralPublicKey: toBase64(c.recoveryPublicKey()) }));

  app.post<{ Body: FromSchema<typeof SIGN_QUOTE_BODY> }>('/sign-quote', { schema: { body: SIGN_QUOTE_BODY }, config: { jsend: signQuoteFailure } }, async (request) => {
    const out = await c.signQuote(base64Field(request.body.sgxQuote, 'sgxQuote'));
    return success({ tcbStatus: out.tcbStatus, verificationSignature: toBase64(out.verificationSignature) });
  });

  app.get<{ Querystring: { after?: string } }>('/audit-log', { schema: { querystring: AUDIT_LOG_QUERY } }, async (request, reply) => {
    void reply.type('application/x-ndjson; charset=utf-8');
    return c.auditLog(request.query.after === undefined ? 0 : Number(request.query.after));
  });

  app.get('/audit-log/public-key', async () => {
    const { publicKeyJwk, head } = await c.auditKey();
    return success({ publicKeyJwk, headSeq: head.seq, headHash: head.hash });
  });
}
