/** The vectors locator: CONFIDE_VECTORS wins, and absent vectors give a skip reason naming the path looked at. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from '../src/process/index.js';

const LOCATOR = new URL('../src/vectors.js', import.meta.url).href;

/** What the locator says in a fresh process with `env` (its answer is fixed at import). */
async function locate(env: Record<string, string | undefined>): Promise<{ dir: string; missing: string | null; absent: string | null }> {
  const code = `const v = await import(${JSON.stringify(LOCATOR)}); process.stdout.write('\\n' + JSON.stringify({ dir: v.vectorsDir, missing: v.vectorsMissing ?? null, absent: v.missingVector('a/b.bin') ?? null }));`;
  const r = await startProcess(process.execPath, ['--input-type=module', '-e', code], { env }).done;
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('CONFIDE_VECTORS pointing nowhere: every vector test skips, and the reason names the path', async () => {
  const r = await locate({ CONFIDE_VECTORS: '/nonexistent/vectors' });
  assert.equal(r.dir, '/nonexistent/vectors');
  assert.match(r.missing!, /not found at \/nonexistent\/vectors \(set CONFIDE_VECTORS\)/);
  assert.equal(r.absent, r.missing);
});

test('a vectors folder (a README.md) is used; a file absent from it is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-vectors-'));
  writeFileSync(join(dir, 'README.md'), '# vectors\n');
  const r = await locate({ CONFIDE_VECTORS: dir });
  assert.deepEqual(r, { dir, missing: null, absent: `vector a/b.bin not found under ${dir}` });
});

test('without CONFIDE_VECTORS: ../shared/vectors beside the repository root', async () => {
  const r = await locate({ CONFIDE_VECTORS: undefined });
  assert.equal(r.dir, join(new URL('../../../../..', import.meta.url).pathname, 'shared', 'vectors'));
});
