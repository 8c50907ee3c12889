/**
 * Dev-mode seal provider: a 32-byte key in <dataDir>/coordinator/seal.key (mode 0600), created
 * the first time a data key is wrapped. It protects against a copied database, not against
 * whoever can read the data directory; production providers derive or release the key inside
 * the TEE instead.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfideError } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { AES_KEY_LENGTH } from './aead.js';
import { unwrapDataKey, wrapDataKey } from './key-wrap.js';
import type { SealProvider } from './provider.js';

/** Path of the file provider's key inside the data directory. */
export function sealKeyPath(dataDir: string): string {
  return join(dataDir, 'coordinator', 'seal.key');
}

export interface FileSealProviderOptions {
  dataDir: string;
}

async function readKey(path: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read failed';
    throw new CoordinatorError('ERR_SEAL_KEY_UNAVAILABLE', `the seal key ${path} cannot be read (${code})`, { details: { reason: code === 'ENOENT' ? 'missing' : 'unreadable' } });
  }
  if (raw.length !== AES_KEY_LENGTH) {
    throw new CoordinatorError('ERR_SEAL_KEY_UNAVAILABLE', `the seal key ${path} must be ${AES_KEY_LENGTH} bytes, it has ${raw.length}`, { details: { reason: 'length' } });
  }
  return new Uint8Array(raw);
}

async function createKey(path: string, dir: string): Promise<Uint8Array> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // 'wx': two processes starting at once keep one key; the loser reads the winner's.
    await writeFile(path, crypto.getRandomValues(new Uint8Array(AES_KEY_LENGTH)), { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600); // the umask may have narrowed the create mode, or the platform ignored it
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CoordinatorError('ERR_DATA_DIR_UNUSABLE', `cannot create the seal key ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  }
  return readKey(path);
}

/** A seal provider over a key file. wrapKey throws ERR_DATA_DIR_UNUSABLE, ERR_SEAL_KEY_UNAVAILABLE; unwrapKey as SealProvider. */
export function createFileSealProvider(options: FileSealProviderOptions): SealProvider {
  const path = sealKeyPath(options.dataDir);
  const dir = join(options.dataDir, 'coordinator');
  return {
    id: 'file',
    async wrapKey(dataKey) {
      let key: Uint8Array;
      try {
        key = await readKey(path);
      } catch (err) {
        if ((err as ConfideError).details?.reason !== 'missing') throw err;
        key = await createKey(path, dir);
      }
      return wrapDataKey(key, dataKey);
    },
    async unwrapKey(blob) {
      return unwrapDataKey(await readKey(path), blob);
    },
  };
}
