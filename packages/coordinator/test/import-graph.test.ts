/**
 * Modules import each other without cycles: the coordinator's (activation.ts and service.ts
 * used to) and every other package's (evidence's claims.ts and sev-snp/claims.ts used to).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const PACKAGES = resolve(SRC, '../..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative imports (type-only ones too: a cycle of types is still a knot to untie) of each file under `src`. */
function graph(src = SRC): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:import|export)[^;]*?from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
    edges.set(file, targets);
  }
  return edges;
}

/** Each import cycle among `edges`, as `a -> b -> a` with paths relative to `root`. */
function cyclesOf(edges: Map<string, string[]>, root: string): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(root, f)).join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of edges.keys()) visit(file, []);
  return cycles;
}

test('no import cycle among the coordinator sources', () => {
  const edges = graph();
  assert.ok(edges.size > 50, 'found the sources');
  assert.deepEqual(cyclesOf(edges, SRC), []);
});

test('no import cycle among any package sources', () => {
  const packages = readdirSync(PACKAGES).filter((name) => statSync(join(PACKAGES, name, 'src'), { throwIfNoEntry: false })?.isDirectory());
  assert.ok(packages.includes('evidence') && packages.includes('server'), 'found the packages');
  for (const name of packages) assert.deepEqual(cyclesOf(graph(join(PACKAGES, name, 'src')), PACKAGES), [], name);
});

test('the core knows nothing of the client API above it', () => {
  for (const [file, targets] of graph()) {
    if (!relative(SRC, file).startsWith('core/')) continue;
    for (const t of targets) assert.ok(!relative(SRC, t).startsWith('clientapi/'), `${relative(SRC, file)} imports ${relative(SRC, t)}`);
  }
});
