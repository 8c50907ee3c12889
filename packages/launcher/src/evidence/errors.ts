/** Helpers shared by the evidence sources. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ConfideError } from '@confide/core';
import { LauncherError } from '../errors.js';

/** ERR_TEE_UNAVAILABLE naming the file and the errno (or message) of `err`. */
export function teeFileError(what: string, path: string, err: unknown): ConfideError {
  const code = (err as NodeJS.ErrnoException).code;
  const hint = code === 'EACCES' || code === 'EPERM' ? ' (permission denied: the launcher needs access to this file)' : '';
  return new LauncherError('ERR_TEE_UNAVAILABLE', `${what}: ${path}: ${code ?? (err as Error).message}${hint}`, { cause: err });
}

/**
 * Writes `bytes` to an existing pseudo-file in one write(2), opened write-only without O_CREAT or
 * O_TRUNC: TEE interfaces take the whole value per write and have no files to create.
 */
export async function writePseudoFile(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, constants.O_WRONLY);
  try {
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length, null);
    if (bytesWritten !== bytes.length) throw new Error(`short write: ${bytesWritten} of ${bytes.length} bytes`);
  } finally {
    await handle.close();
  }
}
