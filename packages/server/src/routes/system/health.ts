/** Liveness and readiness probes. */
import type { FastifyInstance } from 'fastify';

/** A service that came up without its sealed data (docs/recovery.md), and why. */
export interface DegradedService {
  service: string;
  reason: string;
}

/** What /readyz reports: the store's engine (ping throws ERR_STORE_UNAVAILABLE) and the degraded services. */
export interface Readiness {
  engine: string;
  ping(): Promise<void>;
  degraded(): readonly DegradedService[];
}

const statusSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'ready', 'degraded'] },
    store: { type: 'string' },
    degraded: { type: 'array', items: { type: 'object', properties: { service: { type: 'string' }, reason: { type: 'string' } }, required: ['service', 'reason'] } },
  },
  required: ['status'],
} as const;

export async function healthRoutes(app: FastifyInstance, opts: { readiness: Readiness }): Promise<void> {
  app.get(
    '/healthz',
    // Probes arrive every few seconds: logged at debug, not info.
    { logLevel: 'warn', schema: { summary: 'Liveness: the process is up and serving.', tags: ['system'], response: { 200: statusSchema } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary:
          'Readiness: the store answers (503 ERR_STORE_UNAVAILABLE otherwise). "degraded" lists services whose sealed data could not be opened; they answer what they can (the coordinator in recovery mode takes recovery shares).',
        tags: ['system'],
        response: { 200: statusSchema },
      },
    },
    async () => {
      await opts.readiness.ping();
      const degraded = opts.readiness.degraded();
      return degraded.length === 0 ? { status: 'ready', store: opts.readiness.engine } : { status: 'degraded', store: opts.readiness.engine, degraded: [...degraded] };
    },
  );
}
