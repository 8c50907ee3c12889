/**
 * Per-request loggers (request-logger.ts): the real child is made only for a line at an enabled
 * level, and the lines written are the child's own, request id included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { openSqliteStore } from '@confide/store';
import { buildApp } from '../src/app.js';
import { loggerOptions } from '../src/logger.js';
import { deferredChildLogger } from '../src/request-logger.js';

type Call = [method: string, args: unknown[]];

/** A parent logger at `level` that records the children it makes and every call to them. */
function recordingParent(level: string) {
  const made: { bindings: Record<string, unknown>; options: unknown }[] = [];
  const calls: Call[] = [];
  const child = (childLevel: string): FastifyBaseLogger => {
    const logAt = (method: string) => (...args: unknown[]) => void calls.push([method, args]);
    return { level: childLevel, fatal: logAt('fatal'), error: logAt('error'), warn: logAt('warn'), info: logAt('info'), debug: logAt('debug'), trace: logAt('trace'), silent: () => undefined, child: () => child(childLevel) };
  };
  const parent = { ...child(level), child: (bindings: Record<string, unknown>, options?: { level?: string }) => (made.push({ bindings, options }), child(options?.level ?? level)) } as FastifyBaseLogger;
  return { parent, made, calls };
}

const deferred = (parent: FastifyBaseLogger, options: object = {}) => deferredChildLogger.call(undefined as never, parent, { reqId: 'r-1' }, options, undefined as never);

test('below the level nothing is made or written; at the level the real child is made once and gets the call', () => {
  const { parent, made, calls } = recordingParent('error');
  const log = deferred(parent);
  log.info({ req: 'x' }, 'incoming request');
  log.debug('detail');
  log.warn('almost');
  assert.equal(made.length, 0);
  assert.deepEqual(calls, []);
  assert.equal(log.level, 'error');
  log.error({ code: 'ERR_INTERNAL' }, 'request failed');
  log.fatal('down');
  assert.deepEqual(made, [{ bindings: { reqId: 'r-1' }, options: {} }]);
  assert.deepEqual(calls, [
    ['error', [{ code: 'ERR_INTERNAL' }, 'request failed']],
    ['fatal', ['down']],
  ]);
});

test('a route\'s own log level (child options) decides, and silent writes nothing', () => {
  const { parent, made, calls } = recordingParent('info');
  const probe = deferred(parent, { level: 'warn' });
  probe.info('request completed');
  assert.equal(made.length, 0);
  probe.warn('slow');
  assert.deepEqual(made, [{ bindings: { reqId: 'r-1' }, options: { level: 'warn' } }]);
  assert.deepEqual(calls, [['warn', ['slow']]]);
  const quiet = recordingParent('silent');
  deferred(quiet.parent).fatal('x');
  assert.equal(quiet.made.length, 0);
});

test('setting the level and asking for a child make the real child', () => {
  const { parent, made } = recordingParent('error');
  const log = deferred(parent);
  log.level = 'debug';
  assert.equal(made.length, 1);
  assert.equal(log.level, 'debug');
  const other = deferred(parent);
  other.child({ job: 1 });
  assert.equal(made.length, 2);
});

test('the app\'s request lines carry the request id, as pino\'s child writes them', async () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const store = openSqliteStore(':memory:');
  const app = await buildApp({ store, bodyLimit: 1024, logger: { ...(loggerOptions('info') as object), stream } });
  app.get('/fine', async () => ({ fine: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  try {
    const ok = await app.inject({ method: 'GET', url: '/fine', headers: { 'x-request-id': 'req-ok' } });
    const failed = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-boom' } });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['x-request-id'], 'req-ok');
    assert.equal(failed.statusCode, 500);
    const of = (id: string) => lines.filter((l) => l['reqId'] === id).map((l) => l['msg']);
    assert.deepEqual(of('req-ok'), ['incoming request', 'request completed']);
    assert.deepEqual(of('req-boom'), ['incoming request', 'request failed', 'request completed']);
    assert.equal(lines.filter((l) => l['reqId'] === undefined && l['req'] !== undefined).length, 0);
  } finally {
    await app.close();
    await store.close();
  }
});
