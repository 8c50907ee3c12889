/**
 * Runs every bench/*.bench.mjs in turn, each in its own process (so key caches, JIT state and
 * a crash stay with one benchmark), after a header describing the machine. Arguments filter
 * the files by name: `node bench/run.mjs intel`.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, arch } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { settings } from './lib/harness.mjs';
import { vectorsDir, vectorsMissing } from '@confide/test-kit/vectors';

const benchDir = fileURLToPath(new URL('.', import.meta.url));

// Each benchmark bounds itself; this only stops one that does not.
const FILE_TIMEOUT_MS = 120_000;

function header() {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return [
    '# Confide benchmarks',
    '',
    `machine: ${availableParallelism()} cores (${cpu}), ${platform()} ${arch()}, load average ${load}`,
    `runtime: node ${process.version}, OpenSSL ${process.versions.openssl}`,
    `settings: ${settings.warmupMs} ms warm-up, then ${settings.timeMs} ms per measurement in ${settings.rounds} slices taken in turn by ours, peer and floor; ${settings.concurrency.join(' and ')} in flight`,
    `vectors: ${vectorsMissing ? `absent (${vectorsDir}); sections that need them are skipped` : vectorsDir}`,
    'cells: operations per second · mean latency; ratios compare time per operation (ours/floor 2.00× = twice the floor\'s time)',
  ].join('\n');
}

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: benchDir, stdio: 'inherit' });
    const timer = setTimeout(() => {
      console.log(`\n${file}: stopped after ${FILE_TIMEOUT_MS / 1000} s`);
      child.kill('SIGTERM');
    }, FILE_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 && !signal);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      console.log(`\n${file}: ${err.message}`);
      resolve(false);
    });
  });
}

const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.mjs') && (filters.length === 0 || filters.some((p) => f.includes(p))))
  .sort();

console.log(header());
let failed = 0;
for (const file of files) if (!(await runFile(file))) failed += 1;
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (files.length === 0) console.log(`\nno benchmark matches ${filters.join(' ')}`);
if (failed > 0) {
  console.log(`\n${failed} benchmark file(s) failed`);
  process.exitCode = 1;
}
