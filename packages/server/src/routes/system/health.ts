/** Liveness and readiness probes. */
import type { FastifyInstance } from 'fastify';
import type { Store } from '@confide/store';

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, store: { type: 'string' } },
  required: ['status'],
} as const;

export async function healthRoutes(app: FastifyInstance, opts: { store: Store }): Promise<void> {
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness: the process is up and serving.', tags: ['system'], response: { 200: statusSchema } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the store answers. 503 ERR_STORE_UNAVAILABLE otherwise.',
        tags: ['system'],
        response: { 200: statusSchema },
      },
    },
    async () => {
      await opts.store.ping();
      return { status: 'ready', store: opts.store.engine };
    },
  );
}
