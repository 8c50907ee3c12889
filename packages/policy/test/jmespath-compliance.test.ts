/**
 * JMESPath's official compliance tests (test/fixtures/jmespath-compliance, see its README.md)
 * run against the hand-written JMESPath of the policy functions. Every case runs; a case in
 * NOT_SUPPORTED must fail (so the list cannot go stale), every other case must pass. An expected
 * error of any kind ("syntax", "invalid-type", ...) is ERR_POLICY_EVALUATION_FAILED here: the
 * policy engine reports one code for a query that cannot be parsed or run.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isConfideError } from '@confide/core';
import type { Json } from '../src/jmespath/ast.js';
import { searchJmesPath } from '../src/jmespath/interpreter.js';

interface Case {
  expression: string;
  result?: Json;
  error?: string;
  comment?: string;
}
interface Suite {
  given: Json;
  cases: Case[];
  comment?: string;
}

const DIR = new URL('../../test/fixtures/jmespath-compliance/', import.meta.url);

/** Cases deliberately not supported, by "file: expression", with the reason. */
const NOT_SUPPORTED: Record<string, string> = {};

function outcome(given: Json, c: Case): { ok: boolean; why: string } {
  let got: Json;
  try {
    got = searchJmesPath(given, c.expression);
  } catch (err) {
    if (c.error !== undefined && isConfideError(err, 'ERR_POLICY_EVALUATION_FAILED')) return { ok: true, why: '' };
    return { ok: false, why: `threw ${String(err)}` };
  }
  if (c.error !== undefined) return { ok: false, why: `expected a ${c.error} error, got ${JSON.stringify(got)}` };
  try {
    assert.deepStrictEqual(got, c.result);
    return { ok: true, why: '' };
  } catch {
    return { ok: false, why: `expected ${JSON.stringify(c.result)}, got ${JSON.stringify(got)}` };
  }
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
  const suites = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Suite[];
  describe(`JMESPath compliance: ${file}`, () => {
    suites.forEach((suite, s) => {
      suite.cases.forEach((c, i) => {
        const id = `${file}: ${c.expression}`;
        const reason = NOT_SUPPORTED[id];
        it(`suite ${s} case ${i}: ${c.expression}${reason ? ' (not supported)' : ''}`, () => {
          const r = outcome(suite.given, c);
          if (reason) assert.equal(r.ok, false, `${id} passes now: remove it from NOT_SUPPORTED`);
          else assert.ok(r.ok, `${id}: ${r.why}`);
        });
      });
    });
  });
}
