/**
 * POST /api/v2/monotonic-counter (coordinator/server/v2/v2.go MonotonicCounterPost): the
 * MonotonicCounter feature gate (403 `error`), the marble's TLS client certificate (401 `fail`),
 * the body `{name, value}` (400 `fail`), then the set; the answer `{value}` is the counter's
 * value before. The body is read as text in this scope only, so a uint64 keeps every digit both
 * ways (routes/marblerun/counter-request.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { CoordinatorService } from '@confide/coordinator';
import { readCounterRequest } from './counter-request.js';
import type { PeerCertificateReader } from './peer-certificate.js';

export interface MonotonicCounterOptions {
  coordinator: CoordinatorService;
  peerCertificate: PeerCertificateReader;
}

export async function monotonicCounterRoute(app: FastifyInstance, opts: MonotonicCounterOptions): Promise<void> {
  const c = opts.coordinator;
  // MarbleRun's handler decodes whatever the Content-Type (api.SetMonotonicCounter sends JSON).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/monotonic-counter', async (request, reply) => {
    const caller = await c.monotonicCounterCaller(opts.peerCertificate(request));
    const { name, value } = readCounterRequest(typeof request.body === 'string' ? request.body : '');
    const before = await c.setMonotonicCounter(caller, name, value);
    // JSON.stringify cannot write a bigint: the answer is written as Go's encoder writes it.
    return reply.type('application/json').send(`{"status":"success","data":{"value":${before.toString()}}}\n`);
  });
}
