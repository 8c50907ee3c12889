/**
 * SEV-SNP and TDX evidence through the Linux configfs-tsm report interface
 * (Documentation/ABI/testing/configfs-tsm, Linux 6.7+): mkdir an entry under
 * /sys/kernel/config/tsm/report, write up to 64 bytes to `inblob`, read `outblob` (an SNP
 * attestation report or a TDX quote, as `provider` says), then rmdir the entry.
 */
import { mkdir, readFile, rmdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LauncherError } from '../errors.js';
import { teeFileError, writePseudoFile } from './errors.js';
import type { Evidence, EvidenceSource, LauncherTee } from './types.js';

export const TSM_REPORT_DIR = '/sys/kernel/config/tsm/report';
const WHAT = 'configfs-tsm';

/** `provider` values (ABI doc: "sev_guest", "tdx_guest") and the TEE of their outblob. */
const PROVIDERS: Record<string, LauncherTee> = { sev_guest: 'sev-snp', tdx_guest: 'tdx' };

export interface ConfigfsTsmOptions {
  /** Stands in for /sys/kernel/config/tsm/report. */
  root?: string;
  /** The TEE the caller asked for; another provider is refused. Undefined accepts either. */
  expect?: 'sev-snp' | 'tdx';
  /** Creates a report entry; the kernel populates it. Tests pass a fake kernel here. */
  createEntry?: (path: string) => Promise<void>;
}

async function readText(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw teeFileError(WHAT, path, err);
  }
}

async function report(entry: string, reportData: Uint8Array, expect: ConfigfsTsmOptions['expect']): Promise<Evidence> {
  const provider = await readText(join(entry, 'provider'));
  const tee = PROVIDERS[provider];
  if (tee === undefined) throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: provider "${provider}" is not supported (sev_guest and tdx_guest are)`);
  if (expect !== undefined && tee !== expect) {
    throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: --tee ${expect} was asked for, but this guest's provider is ${provider} (${tee})`);
  }
  const inblob = join(entry, 'inblob');
  try {
    await writePseudoFile(inblob, reportData);
  } catch (err) {
    throw teeFileError(WHAT, inblob, err);
  }
  const outblobPath = join(entry, 'outblob');
  let outblob: Buffer;
  try {
    outblob = await readFile(outblobPath);
  } catch (err) {
    throw teeFileError(WHAT, outblobPath, err);
  }
  // The entry is ours alone, so exactly one write (inblob) may have happened: generation 1.
  const generation = await readText(join(entry, 'generation'));
  if (generation !== '1') {
    throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: report entry ${entry} was written by someone else (generation ${generation}, expected 1)`);
  }
  if (outblob.length === 0) throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: ${outblobPath} is empty`);
  return { tee, bytes: new Uint8Array(outblob) };
}

/** The configfs-tsm source. Throws ERR_TEE_UNAVAILABLE. */
export function configfsTsmSource(options: ConfigfsTsmOptions = {}): EvidenceSource {
  const root = options.root ?? TSM_REPORT_DIR;
  const createEntry = options.createEntry ?? ((path: string) => mkdir(path).then(() => undefined));
  return {
    name: `configfs-tsm ${root}`,
    async obtain(reportData: Uint8Array): Promise<Evidence> {
      // A private entry per request, so no other process's writes can mix into our report.
      const entry = join(root, `confide-${process.pid}-${randomBytes(6).toString('hex')}`);
      try {
        await createEntry(entry);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          throw new LauncherError('ERR_TEE_UNAVAILABLE', `${WHAT}: ${root} does not exist (needs Linux 6.7+ in an SEV-SNP or TDX guest, with configfs mounted on /sys/kernel/config)`, { cause: err });
        }
        throw teeFileError(WHAT, entry, err);
      }
      try {
        return await report(entry, reportData, options.expect);
      } finally {
        await rmdir(entry).catch(() => undefined);
      }
    },
  };
}
