import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_ERROR_CODES, renderConfigDocs, renderErrorDocs } from '../src/index.js';

const docs = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../../..'), 'docs');

test('docs/config.md is generated from the schema and up to date (npm run docs)', () => {
  assert.equal(readFileSync(join(docs, 'config.md'), 'utf8'), renderConfigDocs());
});

test('docs/errors.md lists every error code and no stale one (npm run docs)', () => {
  const text = readFileSync(join(docs, 'errors.md'), 'utf8');
  const listed = [...text.matchAll(/^\| `(ERR_[A-Z0-9_]+)`/gm)].map((m) => m[1]);
  assert.deepEqual(listed.sort(), Object.keys(KNOWN_ERROR_CODES).sort());
  assert.equal(text, renderErrorDocs());
});
