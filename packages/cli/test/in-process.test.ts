/** The in-process runner the usage and refusal tests use: a run's environment is set for it and restored after. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from './in-process.js';

test('runInProcess: variables are set for the run (undefined removes one) and restored after it', async () => {
  const before = process.env['CONFIDE_PORT'];
  process.env['CONFIDE_PORT'] = '1111';
  try {
    const set = await runInProcess(['--json', 'config', 'show'], { CONFIDE_PORT: '2222' });
    assert.equal(JSON.parse(set.stdout).config.port, 2222);
    assert.equal(process.env['CONFIDE_PORT'], '1111');
    const removed = await runInProcess(['--json', 'config', 'show'], { CONFIDE_PORT: undefined });
    assert.notEqual(JSON.parse(removed.stdout).origins.port, 'env');
    assert.equal(process.env['CONFIDE_PORT'], '1111');
    const failed = await runInProcess(['--json', 'config', 'show'], { CONFIDE_PORT: 'eighty' });
    assert.equal(JSON.parse(failed.stdout).error.code, 'ERR_CONFIG_INVALID');
    assert.equal(process.env['CONFIDE_PORT'], '1111', 'restored after a failing run too');
  } finally {
    if (before === undefined) delete process.env['CONFIDE_PORT'];
    else process.env['CONFIDE_PORT'] = before;
  }
});
