/**
 * Deep inputs for the coordinator's recursive readers: manifest JSON and the Go-template parser.
 * Each is refused with a violation naming its limit, never a stack overflow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH } from '@confide/core';
import { checkManifest } from '../src/manifest/index.js';
import { TemplateError } from '../src/templates/ast.js';
import { MAX_TEMPLATE_NESTING, parseTemplate } from '../src/templates/parse.js';

test('manifest JSON nested 65 to 1,000,000 deep is refused as json.max-depth, text or decoded', () => {
  for (const depth of [MAX_JSON_DEPTH + 1, 3000, 100_000, 1_000_000]) {
    const text = `{"Packages": {"p": {"Debug": ${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const { errors } = checkManifest(text);
    assert.deepEqual(errors.map((e) => e.rule), ['json.max-depth'], String(depth));
  }
  const decoded: Record<string, unknown> = {};
  let cursor = decoded;
  for (let i = 0; i < 5000; i++) cursor = cursor['x'] = {};
  assert.deepEqual(checkManifest(decoded).errors.map((e) => e.rule), ['json.max-depth']);
});

test('template parentheses nested past template.maxNesting are refused; at the limit they parse', () => {
  const nested = (depth: number): string => `{{ ${'('.repeat(depth)}.MarbleRun.RootCA.Cert${')'.repeat(depth)} }}`;
  for (const depth of [MAX_TEMPLATE_NESTING + 1, 3000, 50_000]) {
    assert.throws(() => parseTemplate(nested(depth), 'env'), (e: Error) => e instanceof TemplateError && e.message.includes('template.maxNesting'), String(depth));
  }
  assert.equal(parseTemplate(nested(MAX_TEMPLATE_NESTING), 'env').length, 1);
});
