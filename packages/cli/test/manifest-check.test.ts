/** `confide manifest check`: offline, every error and warning, did-you-mean. In process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from './in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'confide-manifest-check-'));
const UNIQUE_ID = 'ab'.repeat(32);

function file(name: string, manifest: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return path;
}

const valid = {
  Packages: { web: { Tee: 'sim', UniqueID: UNIQUE_ID } },
  Marbles: { web: { Package: 'web' } },
};

test('manifest check: a misspelt key is a warning that names the key it probably meant (text and JSON)', async () => {
  const path = file('typo.json', { ...valid, Pakages: {}, Packages: { web: { Tee: 'sim', UniqueID: UNIQUE_ID, Debugg: true } } });
  const text = await runInProcess(['manifest', 'check', path]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /unknown key "Pakages" ignored; did you mean "Packages"\?/);
  assert.match(text.stdout, /Packages\.web\.Debugg .*did you mean "Debug"\?/);
  const json = JSON.parse((await runInProcess(['--json', 'manifest', 'check', path])).stdout);
  assert.equal(json.ok, true);
  assert.deepEqual(json.warnings.map((w: { path: string }) => w.path).sort(), ['Packages.web.Debugg', 'Pakages']);
});

test('manifest check: every error is listed, exit 1 with ERR_MANIFEST_INVALID', async () => {
  const path = file('bad.json', {
    Packages: { web: { Tee: 'sim', UniqueID: 'nothex' } },
    Marbles: { web: { Package: 'web' }, ghost: { Package: 'missing' }, phantom: { Package: 'gone' }, spectre: { Package: 'absent' } },
  });
  const text = await runInProcess(['manifest', 'check', path]);
  assert.equal(text.code, 1);
  assert.match(text.stderr, /\[ERR_MANIFEST_INVALID\]/);
  const errorLines = text.stderr.split('\n').filter((l) => l.startsWith('  error'));
  assert.ok(errorLines.length >= 3, text.stderr);
  for (const where of ['Marbles.ghost.Package', 'Marbles.phantom.Package', 'Marbles.spectre.Package']) assert.ok(errorLines.some((l) => l.includes(where)), `${where} in\n${text.stderr}`);
  const json = await runInProcess(['--json', 'manifest', 'check', path]);
  assert.equal(json.code, 1);
  const err = JSON.parse(json.stdout).error;
  assert.equal(err.code, 'ERR_MANIFEST_INVALID');
  assert.equal(err.violations.length, 3);
  assert.ok(err.warnings.some((w: { path: string }) => w.path === 'Packages.web.UniqueID'));
  assert.match(text.stderr, /warning +Packages\.web\.UniqueID/);
});

test('manifest check: not JSON, and an unreadable file', async () => {
  const notJson = await runInProcess(['--json', 'manifest', 'check', file('junk.json', '{"Packages":')]);
  assert.equal(notJson.code, 1);
  assert.equal(JSON.parse(notJson.stdout).error.violations[0].rule, 'json.syntax');
  const missing = await runInProcess(['--json', 'manifest', 'check', join(tmp, 'absent.json')]);
  assert.equal(missing.code, 1);
  assert.equal(JSON.parse(missing.stdout).error.code, 'ERR_INPUT_UNREADABLE');
});
