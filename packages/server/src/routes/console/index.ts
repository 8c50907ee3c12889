/**
 * The web console (docs/console.md): the page at /console/, its hashed files under
 * /console/assets/ (immutable), and /console/api/info with the facts the overview shows that no
 * other API states. Everything else the console shows comes from the same APIs any client calls.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../../errors/index.js';
import { consoleCsp } from './csp.js';
import type { ConsoleFile, ConsoleRoutesOptions } from './types.js';

export type { ConsoleAssets, ConsoleFile, ConsoleInfo, ConsoleRoutesOptions } from './types.js';
export { consoleCsp } from './csp.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile, cacheControl: string): FastifyReply {
  const gzip = file.gzip !== undefined && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  void reply.header('cache-control', cacheControl).header('vary', 'accept-encoding').header('x-content-type-options', 'nosniff').type(file.contentType);
  if (gzip) void reply.header('content-encoding', 'gzip');
  return reply.send(gzip ? file.gzip : file.body);
}

/** Registers the console routes (root scope: errors answer as problem+json). */
export async function consoleRoutes(app: FastifyInstance, opts: ConsoleRoutesOptions): Promise<void> {
  const csp = consoleCsp(opts.info.auth.oidc?.issuer);
  const hidden = { schema: { hide: true } } as const;
  app.get('/console', hidden, async (_request, reply) => reply.redirect('/console/', 308));
  app.get('/console/', hidden, async (request, reply) => {
    void reply.header('content-security-policy', csp).header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    // The page names the hashed files, so it is revalidated every time while they are cached for good.
    return send(request, reply, opts.assets.index, 'no-cache');
  });
  app.get<{ Params: { name: string } }>('/console/assets/:name', hidden, async (request, reply) => {
    const file = opts.assets.assets.get(request.params.name);
    if (!file) throw new ServerError('ERR_NOT_FOUND', `no console file ${request.params.name}`);
    return send(request, reply, file, IMMUTABLE);
  });
  app.get(
    '/console/api/info',
    { schema: { summary: "The console overview's facts: mode, version, services, the trust anchors in force, how to sign in. Nothing secret.", tags: ['system'] } },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return opts.info;
    },
  );
}
