import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuUsage } from 'node:process';
import { TemplateError } from '../src/templates/ast.js';
import { parseTemplate } from '../src/templates/parse.js';

/** `lines` lines, each with one action, the last one broken (an unknown function). */
function template(lines: number): string {
  const body = 'key: {{hex .Secrets.sym}}\n'.repeat(lines - 1);
  return `${body}bad: {{nosuch .Secrets.sym}}\n`;
}

/** CPU microseconds of the fastest of `runs` parses (CPU, not wall time: the machine is shared). */
function cpuMicros(src: string, runs: number): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = cpuUsage();
    try {
      parseTemplate(src, 'file');
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
    }
    const used = cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  return best;
}

test('an action deep in a template reports its own line', () => {
  const src = template(5000);
  assert.throws(
    () => parseTemplate(src, 'file'),
    (err: unknown) => err instanceof TemplateError && err.line === 5000 && err.failure === 'function-unknown',
  );
  const nodes = parseTemplate('a\n\n{{hex .X}}\r\nb\n{{raw .Y}}', 'file');
  assert.deepEqual(
    nodes.filter((n) => n.kind === 'action').map((n) => (n.kind === 'action' ? n.line : 0)),
    [3, 5],
  );
});

test('parsing time grows linearly with the template, not with its square', () => {
  // Text between actions, as in a real config file: the old line lookup split all the text before
  // each action, so its cost grew with the template's size times its number of actions.
  const block = ('# ' + 'x'.repeat(62) + '\n').repeat(16) + 'key: {{hex .Secrets.sym}}\n';
  const small = block.repeat(200);
  const large = block.repeat(3200); // 16 times the size: linear costs ~16x, quadratic ~256x
  cpuMicros(small, 5); // warm up the parser's code paths
  const ratio = cpuMicros(large, 5) / Math.max(cpuMicros(small, 9), 1);
  // The quadratic lookup measured ~680x here; linear parsing ~6-30x at idle. Process CPU time
  // counts GC threads too, which a loaded machine inflates, so the bound sits well above linear.
  assert.ok(ratio < 256, `parsing a 16x larger template took ${ratio.toFixed(1)}x the CPU time`);
});
