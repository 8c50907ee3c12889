/** Reads a file that a configuration setting names; errors name the setting and the file. */
import { readFileSync } from 'node:fs';
import { ServerError } from '../errors/index.js';

/** Throws ERR_CONFIG_INVALID naming `setting` and `path`. */
export function readSettingFile(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ServerError('ERR_CONFIG_INVALID', `${setting}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      details: { key: setting, path },
    });
  }
}
