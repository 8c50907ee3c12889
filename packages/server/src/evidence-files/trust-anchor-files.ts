/**
 * Reads replacement vendor roots (`--roots <dir>`, `--evidence-roots <dir>`): every PEM or DER
 * certificate in the directory, sorted into Intel, AMD and NVIDIA roots by @confide/evidence.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { isConfideError, pemBlocks } from '@confide/core';
import { ServerError } from '../errors/index.js';
import { trustAnchorsByVendor, type TrustAnchors } from '@confide/evidence';

/** The certificates of a PEM file (every CERTIFICATE block) or of one DER certificate. Throws when neither parses. */
export function certificatesIn(bytes: Buffer): Uint8Array[] {
  const pems = pemBlocks(bytes.toString('latin1')).filter((b) => b.label === 'CERTIFICATE');
  if (pems.length > 0) return pems.map((pem) => new Uint8Array(new X509Certificate(pem.der).raw));
  return [new Uint8Array(new X509Certificate(bytes).raw)];
}

/** `flag` names the option in errors. Throws ERR_INPUT_UNREADABLE naming the flag and the directory or file. */
export async function readTrustAnchors(dir: string, flag = '--roots'): Promise<TrustAnchors> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch (err) {
    throw new ServerError('ERR_INPUT_UNREADABLE', `${flag} ${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const roots: Uint8Array[] = [];
  const origins: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const found = certificatesIn(await readFile(path));
      roots.push(...found);
      origins.push(...found.map(() => `${flag} ${path}`));
    } catch (err) {
      throw new ServerError('ERR_INPUT_UNREADABLE', `${flag} ${path}: not a PEM or DER certificate (${(err as Error).message})`);
    }
  }
  if (roots.length === 0) throw new ServerError('ERR_INPUT_UNREADABLE', `${flag} ${dir}: holds no certificate`);
  try {
    return trustAnchorsByVendor(roots, origins);
  } catch (err) {
    if (isConfideError(err, 'ERR_CONFIG_INVALID')) throw new ServerError('ERR_INPUT_UNREADABLE', err.message, { cause: err });
    throw err;
  }
}
