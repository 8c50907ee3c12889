// `npx confide` right after `npm ci` (the smoke step in .ci/run runs it on a fresh clone): what
// npm needs for that, checked here on every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const cliPackage = JSON.parse(readFileSync(join(repo, 'packages/cli/package.json'), 'utf8'));
const rootPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

test('the confide bin is a committed executable outside dist/, so npm links it before the build', () => {
  const target = cliPackage.bin.confide as string;
  assert.doesNotMatch(target, /dist\//);
  const path = join(repo, 'packages/cli', target);
  assert.ok(statSync(path).mode & 0o111, `${target} is executable`);
  // Git keeps the mode: a fresh clone gets an executable file.
  const staged = execFileSync('git', ['ls-files', '--stage', '--', join('packages/cli', target)], { cwd: repo, encoding: 'utf8' });
  assert.match(staged, /^100755 /, `${target} is committed with mode 100755`);
  assert.match(readFileSync(path, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('the root package does not shadow the bin: npx resolves `confide` to the workspace bin', () => {
  assert.notEqual(rootPackage.name, 'confide');
  assert.equal(rootPackage.bin, undefined);
});

test('the committed bin runs the built CLI', () => {
  const out = execFileSync(process.execPath, [join(repo, 'packages/cli', cliPackage.bin.confide), '--version'], { encoding: 'utf8' });
  assert.equal(out.trim(), cliPackage.version);
});
