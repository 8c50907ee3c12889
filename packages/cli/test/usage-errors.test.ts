/** Usage errors: one line naming the command's --help, JSON with --json, exit 1. In process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from './in-process.js';

test('a missing argument: one line with the command\'s --help, exit 1', async () => {
  const r = await runInProcess(['sim', 'measure']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /see `confide sim measure --help`/);
  assert.match(r.stderr, /\[ERR_USAGE\]/);
});

test('an unknown option with --json: one JSON object on stdout, ERR_USAGE, exit 1', async () => {
  const r = await runInProcess(['--json', 'verify', 'x.bin', '--bogus']);
  assert.equal(r.code, 1);
  const json = JSON.parse(r.stdout);
  assert.equal(json.ok, false);
  assert.equal(json.error.code, 'ERR_USAGE');
  assert.match(json.error.message, /--bogus.*confide verify --help/);
  assert.equal(r.stderr, '');
});

test('an unknown command names the top-level --help', async () => {
  const r = await runInProcess(['--json', 'nosuch']);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).error.code, 'ERR_USAGE');
  assert.match(JSON.parse(r.stdout).error.message, /confide --help/);
});

test('a bad option value checked by the command is a usage error with the same hint', async () => {
  const r = await runInProcess(['--json', 'sim', 'quote', '--measurement', 'zz', '--report-data', '01']);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).error.code, 'ERR_USAGE');
  assert.match(JSON.parse(r.stdout).error.message, /--measurement.*confide sim quote --help/);
});

test('--help and --version exit 0 and print to stdout; help lists every command', async () => {
  const help = await runInProcess(['--help']);
  assert.equal(help.code, 0);
  for (const name of ['serve', 'verify', 'sim', 'run', 'coordinator', 'manifest', 'status', 'certificate', 'secret', 'recover', 'audit', 'config', 'docs']) {
    assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), name);
  }
  const version = await runInProcess(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const sub = await runInProcess(['help', 'sim']);
  assert.equal(sub.code, 0);
  assert.match(sub.stdout, /measure/);
});
