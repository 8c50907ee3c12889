/** The database file is created readable and writable by its owner only (SQLite gives its WAL and shared-memory files the same mode). */
import { chmodSync, closeSync, openSync } from 'node:fs';
import { ServerError } from '../errors/index.js';

/** Creates `path` with mode 0600 when absent and narrows an existing one to 0600; returns it. Throws ERR_DATA_DIR_UNUSABLE. */
export function privateFile(path: string): string {
  if (path === ':memory:') return path;
  try {
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600); // the umask may have widened nothing, but an existing file may be 0644
  } catch (err) {
    throw new ServerError('ERR_DATA_DIR_UNUSABLE', `database ${path} cannot be created or made private (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return path;
}
