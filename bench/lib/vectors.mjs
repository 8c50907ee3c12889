/**
 * Locates the real-hardware vectors the benchmarks run on: CONFIDE_VECTORS, or `../shared/vectors`
 * beside the repository. They are third-party data and never copied into the project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const vectorsDir = process.env.CONFIDE_VECTORS ?? join(repoRoot, '..', 'shared', 'vectors');

/** Undefined when the vectors are present; otherwise why a section is skipped. */
export const vectorsMissing = existsSync(join(vectorsDir, 'README.md'))
  ? undefined
  : `real hardware vectors not found at ${vectorsDir} (set CONFIDE_VECTORS)`;

/** Undefined when every listed vector file exists; otherwise which one is missing. */
export function missingVector(...paths) {
  if (vectorsMissing) return vectorsMissing;
  const absent = paths.find((p) => !existsSync(join(vectorsDir, p)));
  return absent ? `vector ${absent} not found under ${vectorsDir}` : undefined;
}

/** A vector file as bytes. */
export function vector(path) {
  return new Uint8Array(readFileSync(join(vectorsDir, path)));
}

/** A vector file as text. */
export function vectorText(path) {
  return readFileSync(join(vectorsDir, path), 'utf8');
}
