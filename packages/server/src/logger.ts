/** pino options shared by every service: JSON lines, secrets redacted wherever they might appear. */
import type { FastifyServerOptions } from 'fastify';

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.privateKey', '*.secret', '*.password', '*.token'],
      censor: '[redacted]',
    },
  };
}
