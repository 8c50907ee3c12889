/** Reads replacement vendor roots (`--roots <dir>`): every PEM or DER certificate in the directory. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ConfideError } from '@confide/core';
import type { TrustAnchors } from '@confide/evidence';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificatesIn(bytes: Buffer): Uint8Array[] {
  const text = bytes.toString('latin1');
  const pems = text.match(PEM);
  if (pems) return pems.map((pem) => new Uint8Array(new X509Certificate(pem).raw));
  return [new Uint8Array(new X509Certificate(bytes).raw)];
}

/** Throws ERR_INPUT_UNREADABLE naming the directory or file. */
export async function readTrustAnchors(dir: string): Promise<TrustAnchors> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch (err) {
    throw new ConfideError('ERR_INPUT_UNREADABLE', `--roots ${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const roots: Uint8Array[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      roots.push(...certificatesIn(await readFile(path)));
    } catch (err) {
      throw new ConfideError('ERR_INPUT_UNREADABLE', `--roots ${path}: not a PEM or DER certificate (${(err as Error).message})`);
    }
  }
  if (roots.length === 0) throw new ConfideError('ERR_INPUT_UNREADABLE', `--roots ${dir}: holds no certificate`);
  return { intelRoots: roots, amdRoots: roots };
}
