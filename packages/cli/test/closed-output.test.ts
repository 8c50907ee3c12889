import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { endQuietlyOnClosedOutput } from '../src/closed-output.js';
import { CLI_BIN } from '@confide/test-kit/process';

test('closed output: EPIPE ends quietly with the exit code so far; other stream errors still throw', () => {
  const stream = new EventEmitter();
  const exits: number[] = [];
  endQuietlyOnClosedOutput(stream, (code) => exits.push(code));
  stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  assert.deepEqual(exits, [0]);
  assert.throws(() => stream.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' })), /EIO/);
});

test('confide --help into a pipe the reader closed (`confide --help | true`): no EPIPE trace, exit 0', async () => {
  const child = spawn(process.execPath, [CLI_BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // The reader goes away before the CLI has loaded, as `true` does.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
