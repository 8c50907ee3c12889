/**
 * Where the seal key comes from. Production: only from an operator-provided file
 * (`seal.keyFile`), so the key can live on another volume, a secret mount or an HSM-backed
 * tmpfs. Dev: generated once into <dataDir>/seal.key (mode 0600) and reused.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fromBase64 } from '@confide/core';
import { ServerError } from '../errors/index.js';
import { createSeal, SEAL_KEY_LENGTH, type Seal } from './seal.js';
import { weakKeyReason } from '../config/secret-strength.js';

export interface OpenSealOptions {
  dataDir: string;
  mode: 'dev' | 'production';
  /** Seal key file: 32 raw bytes, 64 hex characters, or base64 of 32 bytes. */
  keyFile?: string | undefined;
}

/** File name of the generated dev seal key inside the data directory. */
export const DEV_SEAL_KEY_FILE = 'seal.key';

/** Decodes a key file's bytes. Throws ERR_CONFIG_INVALID naming `setting`. */
function parseSealKey(raw: Uint8Array, setting: string): Uint8Array {
  // A 32-byte file cannot be hex or base64 text of a 32-byte key, so it is taken as raw bytes.
  if (raw.length === SEAL_KEY_LENGTH) return raw;
  const text = Buffer.from(raw).toString('utf8').trim();
  let key: Uint8Array | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    try {
      key = fromBase64(text);
    } catch {
      key = undefined;
    }
  }
  if (key?.length !== SEAL_KEY_LENGTH) {
    throw new ServerError('ERR_CONFIG_INVALID', `${setting}: the file must hold a 32-byte key (raw, 64 hex characters, or base64)`);
  }
  return key;
}

/** Reads a seal key file (32 raw bytes, 64 hex characters or base64). Throws ERR_CONFIG_INVALID naming `setting`. */
export function readKeyFile(path: string, setting: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new ServerError('ERR_CONFIG_INVALID', `${setting}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseSealKey(raw, setting);
}

/** Creates the dev key unless it exists; 'wx' makes a concurrent first start keep one key. */
function devKey(dataDir: string): Uint8Array {
  const path = join(resolve(dataDir), DEV_SEAL_KEY_FILE);
  try {
    writeFileSync(path, randomBytes(SEAL_KEY_LENGTH).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // the umask may have narrowed or the platform ignored the create mode
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ServerError('ERR_DATA_DIR_UNUSABLE', `cannot create the dev seal key ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return readKeyFile(path, `dev seal key ${path}`);
}

/**
 * Production refuses a key file other users may read or write (the key opens every sealed secret)
 * and a key that is plainly not random. Throws ERR_PRODUCTION_REFUSED.
 */
function assertProductionKeyFile(path: string, key: Uint8Array): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ServerError('ERR_PRODUCTION_REFUSED', `seal.keyFile: ${path} has mode ${mode.toString(8).padStart(4, '0')}; other users must not read or write it (chmod 600)`, {
      details: { keys: ['seal.keyFile'] },
    });
  }
  const weak = weakKeyReason(key);
  if (weak !== undefined) throw new ServerError('ERR_PRODUCTION_REFUSED', `seal.keyFile: ${weak}`, { details: { keys: ['seal.keyFile'] } });
}

/** Opens the instance seal. Throws ERR_CONFIG_INVALID (production without `seal.keyFile`, bad key file), ERR_PRODUCTION_REFUSED (a key file others may read, a weak key), ERR_DATA_DIR_UNUSABLE. */
export function openSeal(options: OpenSealOptions): Seal {
  if (options.keyFile) {
    const key = readKeyFile(options.keyFile, 'seal.keyFile');
    if (options.mode === 'production') assertProductionKeyFile(options.keyFile, key);
    return createSeal(key);
  }
  if (options.mode === 'production') {
    throw new ServerError(
      'ERR_CONFIG_INVALID',
      'seal.keyFile: production mode needs a seal key file (32 random bytes, e.g. `openssl rand -base64 32`); the generated dev key is for development only',
    );
  }
  return createSeal(devKey(options.dataDir));
}
