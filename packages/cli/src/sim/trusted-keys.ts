/** The simulation public keys `confide verify` trusts: --sim-key files and the --data-dir instance key. */
import { readFile } from 'node:fs/promises';
import { createPublicKey } from 'node:crypto';
import { CliError } from '../errors.js';
import { loadSimulationKey, refuseInProduction } from '@confide/launcher/sim-key';

export interface SimKeyOptions {
  simKey?: string[];
  dataDir?: string;
  mode: string;
}

/** SPKI DER of a P-256 public key in a PEM or DER file. Throws ERR_INPUT_UNREADABLE. */
async function readSimPublicKey(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `--sim-key ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    const text = bytes.toString('latin1');
    if (!text.includes('-----BEGIN PUBLIC KEY-----') && text.includes('-----BEGIN')) throw new Error('not a "PUBLIC KEY" PEM');
    const key = text.includes('-----BEGIN PUBLIC KEY-----') ? createPublicKey(text) : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not an ECDSA P-256 key');
    return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `--sim-key ${path}: not a P-256 public key in PEM or DER (${(err as Error).message})`);
  }
}

/**
 * The trusted simulation keys (SPKI DER), or undefined when neither option is given.
 * Throws ERR_PRODUCTION_REFUSED, ERR_INPUT_UNREADABLE, ERR_DATA_DIR_UNUSABLE.
 */
export async function readSimulationKeys(opts: SimKeyOptions): Promise<Uint8Array[] | undefined> {
  const files = opts.simKey ?? [];
  if (files.length === 0 && opts.dataDir === undefined) return undefined;
  refuseInProduction(opts.mode, files.length > 0 ? '--sim-key' : '--data-dir');
  const keys = await Promise.all(files.map(readSimPublicKey));
  if (opts.dataDir !== undefined) keys.push((await loadSimulationKey(opts.dataDir, { create: false })).spki);
  return keys;
}
