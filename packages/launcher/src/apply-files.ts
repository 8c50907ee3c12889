/**
 * Writes the files of the activation answer: mode 0600, missing directories created 0700, as
 * MarbleRun's premain does. Gramine's key pseudo-files come first and are written as they are,
 * since encrypted files can only be written once their keys are set (MarbleRun does the same).
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ConfideError } from '@confide/core';
import { LauncherError } from './errors.js';

const GRAMINE_PSEUDO_FILES = '/dev/attestation/';

function failed(path: string, err: unknown): ConfideError {
  return new LauncherError('ERR_LAUNCH_FAILED', `cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
}

/** Writes every file, relative paths against `cwd`. Throws ERR_LAUNCH_FAILED. */
export async function applyFiles(files: ReadonlyArray<readonly [string, Uint8Array]>, cwd = process.cwd()): Promise<string[]> {
  const written: string[] = [];
  const pseudo = files.filter(([p]) => p.startsWith(GRAMINE_PSEUDO_FILES));
  const regular = files.filter(([p]) => !p.startsWith(GRAMINE_PSEUDO_FILES));
  for (const [path, bytes] of pseudo) {
    try {
      await writeFile(path, bytes);
    } catch (err) {
      throw failed(path, err);
    }
    written.push(path);
  }
  for (const [given, bytes] of regular) {
    const path = resolve(cwd, given);
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, bytes, { mode: 0o600 });
      // The mode above applies only to a new file; a file left from an earlier run keeps its own.
      await chmod(path, 0o600);
    } catch (err) {
      throw failed(path, err);
    }
    written.push(path);
  }
  return written;
}
