/** Every route the app registers, recorded as fastify registers them, so a test can hold the OpenAPI description to them. */
import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Left out of the OpenAPI description on purpose (the description itself and its page). */
  hidden: boolean;
}

const tables = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Starts recording; call it before any route is registered. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RegisteredRoute[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    const hidden = (route.schema as { hide?: boolean } | undefined)?.hide === true;
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url, hidden });
  });
}

/** The routes `app` registered (empty when recordRoutes was not called on it). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return tables.get(app) ?? [];
}
