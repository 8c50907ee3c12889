/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) of a server run: self time by area (our
 * packages, each dependency, node internals, garbage collection, idle) and the functions with
 * the most self and inclusive time, so a benchmark can say where the time went.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TOP = 12;

/** "@confide/evidence", "fastify", "node:internal", "(garbage collector)"… for a call frame. */
function area(frame) {
  const url = frame.url ?? '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = url.match(/\/packages\/([^/]+)\//);
  if (pkg && !url.includes('/node_modules/')) return `@confide/${pkg[1]}`;
  const dep = url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (dep) return dep[dep.length - 1].replace(/^\/node_modules\//, '').replace(/\/$/, '');
  if (url.startsWith('node:')) return url.startsWith('node:internal/') ? 'node:internal' : url;
  return url;
}

function label(frame) {
  const file = (frame.url ?? '').replace(/^.*\/(packages|node_modules)\//, '').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
}

function pct(part, total) {
  return `${((100 * part) / total).toFixed(1)}%`.padStart(6);
}

/**
 * Reads the newest .cpuprofile in `dir` and prints the summary. `sinceMicros` (process.hrtime in
 * µs, the clock V8 stamps profiles with) drops the server's start-up; with `requests` (the
 * requests served after it) the busy time is also given per request.
 */
export async function printProfile(dir, { sinceMicros = 0, requests = 0 } = {}) {
  let files;
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch (err) {
    console.log(`\nno CPU profile in ${dir}: ${err.message}`);
    return;
  }
  if (files.length === 0) return console.log(`\nno CPU profile in ${dir}`);
  const newest = files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const profile = JSON.parse(readFileSync(newest, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < sinceMicros) return;
    const node = byId.get(id);
    total += dt;
    if (node.callFrame.functionName === '(idle)') idle += dt;
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const a = area(node.callFrame);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    // Inclusive: every distinct function on the stack, once per sample.
    const seen = new Set();
    for (let up = id; up !== undefined; up = parent.get(up)) {
      const k = label(byId.get(up).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const busy = total - idle;
  const top = (map, filter = () => true) =>
    [...map]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP);
  const perRequest = requests > 0 ? `, ${(busy / 1000 / requests).toFixed(2)} ms of main-thread time per request (${requests} requests)` : '';
  const out = [
    `\n### Server CPU profile (${newest})`,
    '',
    `main thread only (crypto on libuv's pool is not sampled); from the first request on: ${(total / 1e6).toFixed(1)} s sampled, ${pct(busy, total).trim()} busy${perRequest}; shares below are of the busy time`,
    '',
    'self time by area:',
  ];
  for (const [k, v] of top(areas, (k) => k !== '(idle)')) out.push(`  ${pct(v, busy)}  ${k}`);
  out.push('', 'self time by function:');
  for (const [k, v] of top(self, (k) => !k.startsWith('(idle)'))) out.push(`  ${pct(v, busy)}  ${k}`);
  out.push('', 'inclusive time, our packages:');
  for (const [k, v] of top(inclusive, (k) => /^[^ ]+ (confide\/)?[a-z]+\/dist\//.test(k) && !k.includes('node_modules'))) out.push(`  ${pct(v, busy)}  ${k}`);
  console.log(out.join('\n'));
}
