/** pino options shared by every service: JSON lines or readable lines, secrets redacted wherever they might appear. */
import type { FastifyServerOptions } from 'fastify';
import { prettyLogStream } from './pretty-log.js';

export type LogFormat = 'json' | 'pretty';

/** `auto` is pretty only for a person at a dev terminal; production and pipes (log collectors, tests) get JSON. */
export function resolveLogFormat(format: 'auto' | LogFormat, mode: 'dev' | 'production', isTTY: boolean): LogFormat {
  if (format !== 'auto') return format;
  return isTTY && mode === 'dev' ? 'pretty' : 'json';
}

export function loggerOptions(level: string, format: LogFormat = 'json', out: { write(text: string): unknown } = process.stdout): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.privateKey', '*.secret', '*.password', '*.token'],
      censor: '[redacted]',
    },
    // pino redacts before it serialises, so the readable stream only ever sees censored records.
    ...(format === 'pretty' ? { stream: prettyLogStream(out) } : {}),
  };
}
