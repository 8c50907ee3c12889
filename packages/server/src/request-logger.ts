/**
 * Per-request loggers made on a request's first log line at an enabled level. pino makes a child
 * logger by serialising its bindings through every redaction path (wildcards included): a few µs
 * and about 2 KB of garbage per request. At the default level most requests write no line, so
 * most never need one; those that do log exactly what the child would have logged, reqId included.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** pino's level numbers: a logger writes the levels at or above its own. */
const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

class DeferredChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return this.#child?.level ?? this.#options?.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#made().level = level;
  }

  fatal(...args: [unknown, ...unknown[]]): void {
    this.#log('fatal', args);
  }

  error(...args: [unknown, ...unknown[]]): void {
    this.#log('error', args);
  }

  warn(...args: [unknown, ...unknown[]]): void {
    this.#log('warn', args);
  }

  info(...args: [unknown, ...unknown[]]): void {
    this.#log('info', args);
  }

  debug(...args: [unknown, ...unknown[]]): void {
    this.#log('debug', args);
  }

  trace(...args: [unknown, ...unknown[]]): void {
    this.#log('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#made().child(bindings, options);
  }

  /** A level this logger writes, or one it cannot rank (a custom level), goes to the real child. */
  #log(method: Method, args: [unknown, ...unknown[]]): void {
    const threshold = LEVEL_VALUES[this.level];
    if (threshold !== undefined && LEVEL_VALUES[method]! < threshold) return;
    const child = this.#made();
    Reflect.apply(child[method], child, args);
  }

  #made(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }
}

/** fastify's childLoggerFactory: each request's logger, made real only when it writes. */
export const deferredChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) => new DeferredChildLogger(logger, bindings, options);
