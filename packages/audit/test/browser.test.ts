/**
 * Runtime-agnosticism of the audit package: logs (plain, across a start-over, tampered, under a
 * stale key) verified by the same suite (test/browser/suite.ts) in Node and in headless Chromium
 * give the same results. Skipped, with a message, where no Chromium exists; CI installs Chromium.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserUnavailable, runInBrowser } from '@confide/test-kit';
import { verifyCases, type LogCase } from './browser/suite.js';
import { startedOver, text } from './helpers.js';

describe('audit in headless Chromium', { skip: browserUnavailable() }, () => {
  it('verifies logs exactly as Node does', async () => {
    const { a, b, log } = await startedOver();
    const edited = JSON.parse(JSON.stringify(log)) as typeof log;
    edited[1]!.details = { secrets: ['y'] };
    const cases: LogCase[] = [
      { log: text(log.slice(0, 2)), key: a.jwk },
      { log: text(log), key: b.jwk },
      { log: text(log), key: a.jwk },
      { log: text(edited), key: b.jwk },
    ];
    const node = await verifyCases(cases);
    assert.deepEqual(
      node.map((r) => (r as { code?: string; reason?: string }).reason ?? (r as { count: number }).count),
      [2, 5, 'key', 'hash'],
    );
    const browser = await runInBrowser<unknown[]>({ module: 'packages/audit/dist/test/browser/suite.js', exportName: 'verifyCases', input: cases });
    assert.deepEqual(browser, node);
  });
});
