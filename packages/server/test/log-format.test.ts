/**
 * The readable log format (issue 14): one line a record, secrets still redacted, chosen by
 * logFormat where `auto` is pretty only on a dev terminal; JSON stays byte-for-byte pino's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { loadConfig } from '../src/index.js';
import { loggerOptions, resolveLogFormat, type LogFormat } from '../src/logger.js';
import { prettyLogLine } from '../src/pretty-log.js';

const at = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();

test('a record becomes time, level, request id, message, then key=value fields', () => {
  const line = prettyLogLine(JSON.stringify({ level: 30, time: at, pid: 1, hostname: 'h', reqId: 'req-7', msg: 'request refused', code: 'ERR_VALIDATION', reason: 'manifest is not base64', status: 400 }));
  assert.equal(line, '03:04:05.067 INFO  [req-7] request refused code=ERR_VALIDATION reason="manifest is not base64" status=400');
  assert.equal(prettyLogLine(JSON.stringify({ level: 50, time: at, msg: 'boom', err: { type: 'Error' } })), '03:04:05.067 ERROR boom err={"type":"Error"}');
  assert.equal(prettyLogLine(JSON.stringify({ level: 40, time: at, msg: 'w' })), '03:04:05.067 WARN  w');
  assert.equal(prettyLogLine(JSON.stringify({ level: 20, time: at, msg: 'd' })), '03:04:05.067 DEBUG d');
  assert.equal(prettyLogLine('not json'), 'not json');
});

async function logged(format: LogFormat): Promise<string> {
  let out = '';
  const sink = { write: (text: string): void => void (out += text) };
  const options = loggerOptions('info', format, sink) as object;
  const app = Fastify({ logger: format === 'json' ? { ...options, stream: sink } : options });
  app.log.info({ headers: { authorization: 'Bearer s3cret-token' }, user: 'alice' }, 'checked');
  app.log.debug('below the level');
  await app.close();
  return out;
}

test('pretty lines are written after redaction: an authorization header stays redacted', async () => {
  const out = await logged('pretty');
  const lines = out.split('\n').filter(Boolean);
  const checked = lines.find((l) => l.includes('checked'));
  assert.match(checked ?? '', /^\d\d:\d\d:\d\d\.\d{3} INFO {2}checked headers=\{"authorization":"\[redacted\]"\} user=alice$/);
  assert.doesNotMatch(out, /s3cret/);
  assert.doesNotMatch(out, /below the level/);
});

test('json output is unchanged: pino JSON lines, redacted', async () => {
  const out = await logged('json');
  const record = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r['msg'] === 'checked');
  assert.equal(record?.['level'], 30);
  assert.deepEqual(record?.['headers'], { authorization: '[redacted]' });
  assert.equal(record?.['user'], 'alice');
  assert.equal((loggerOptions('info') as Record<string, unknown>)['stream'], undefined);
});

test('logFormat: auto is pretty on a dev terminal, json on a pipe or in production; explicit values win', () => {
  assert.equal(resolveLogFormat('auto', 'dev', true), 'pretty');
  assert.equal(resolveLogFormat('auto', 'dev', false), 'json');
  assert.equal(resolveLogFormat('auto', 'production', true), 'json');
  assert.equal(resolveLogFormat('pretty', 'production', false), 'pretty');
  assert.equal(resolveLogFormat('json', 'dev', true), 'json');
  assert.equal(loadConfig({}).config.logFormat, 'auto');
  assert.equal(loadConfig({ env: { CONFIDE_LOG_FORMAT: 'pretty' } }).config.logFormat, 'pretty');
  assert.equal(loadConfig({ flags: { logFormat: 'json' } }).config.logFormat, 'json');
  assert.throws(() => loadConfig({ flags: { logFormat: 'fancy' } }), (e: { code?: string }) => typeof e.code === 'string' && e.code.startsWith('ERR_'));
});
