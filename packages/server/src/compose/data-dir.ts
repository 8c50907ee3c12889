/** The data directory: created (0700) when absent, and checked to be usable before anything is written. */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ServerError } from '../errors/index.js';

/** Returns the absolute path. Throws ERR_DATA_DIR_UNUSABLE. */
export function prepareDataDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    accessSync(abs, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ServerError('ERR_DATA_DIR_UNUSABLE', `data directory ${abs} is not usable (${code}); choose another with --data-dir or CONFIDE_DATA_DIR`);
  }
  return abs;
}
