/**
 * (A copy of packages/evidence/test/vectors.ts: test helpers are not shared across packages.)
 * Locates the real-hardware vectors (third-party data, never copied into the project).
 * CONFIDE_VECTORS points elsewhere; default `../shared/vectors` beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export const vectorsDir: string = process.env['CONFIDE_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');

/** Undefined when the vectors are present; otherwise the reason to pass as `skip` to node:test. */
export const vectorsMissing: string | undefined = existsSync(join(vectorsDir, 'README.md'))
  ? undefined
  : `real hardware vectors not found at ${vectorsDir} (set CONFIDE_VECTORS); skipping`;

if (vectorsMissing) console.log(`# ${vectorsMissing}`);

/** Reads a vector file as bytes. */
export function vector(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(vectorsDir, path)));
}

/** Reads a vector file as text. */
export function vectorText(path: string): string {
  return readFileSync(join(vectorsDir, path), 'utf8');
}

/** Seconds since the epoch to a Date. */
export function at(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
}
