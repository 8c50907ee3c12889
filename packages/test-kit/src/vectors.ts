/**
 * Locates the real-hardware vectors the tests and benchmarks run on. They are third-party data
 * and never copied into the project: CONFIDE_VECTORS points at them, else `../shared/vectors`
 * beside the repository root. Where they are absent, `vectorsMissing` is the reason to pass as
 * `skip` to node:test; it names the path looked at. Browser runs read the vectors here, in Node,
 * and hand the bytes to the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/src/vectors.js -> the repository root.
const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));

export const vectorsDir: string = process.env['CONFIDE_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');

/** Undefined when the vectors are present; otherwise why the tests that need them skip. */
export const vectorsMissing: string | undefined = existsSync(join(vectorsDir, 'README.md'))
  ? undefined
  : `real hardware vectors not found at ${vectorsDir} (set CONFIDE_VECTORS); skipping`;

if (vectorsMissing) console.log(`# ${vectorsMissing}`);

/** Undefined when every listed vector file exists; otherwise which one is missing. */
export function missingVector(...paths: string[]): string | undefined {
  if (vectorsMissing) return vectorsMissing;
  const absent = paths.find((p) => !existsSync(vectorPath(p)));
  return absent ? `vector ${absent} not found under ${vectorsDir}` : undefined;
}

/** The absolute path of a vector file. */
export function vectorPath(path: string): string {
  return join(vectorsDir, path);
}

/** A vector file as bytes. */
export function vector(path: string): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(path)));
}

/** A vector file as text. */
export function vectorText(path: string): string {
  return readFileSync(vectorPath(path), 'utf8');
}

/** Seconds since the epoch (a vector's capture time) to a Date. */
export function at(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
}
