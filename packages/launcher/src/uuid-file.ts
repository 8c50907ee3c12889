/**
 * The marble's UUID, kept in a file so that a restarted marble re-activates as itself (its
 * certificate names the same UUID and its per-marble secrets are the same; the activation still
 * counts against MaxActivations, as in MarbleRun). Same file format as MarbleRun: the UUID
 * as 36 characters of text; older MarbleRun versions wrote 16 raw bytes, which are read too.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LauncherError } from './errors.js';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_BINARY_BYTES = 16;

/**
 * Where a marble keeps its UUID unless told: under the data directory, never loose in the
 * working directory (often a source checkout). One identity per marble type and working
 * directory, as MarbleRun's default `./uuid` gives: a restart in the same directory is the same
 * marble; an instance started elsewhere is another.
 */
export function defaultUuidFile(dataDir: string, marbleType: string, cwd: string): string {
  const type = marbleType.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  const where = createHash('sha256').update(resolve(cwd)).digest('hex').slice(0, 16);
  return join(dataDir, 'marbles', type, `${where}.uuid`);
}

function why(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

function parseUuid(bytes: Buffer, path: string): string {
  const text = bytes.toString('latin1').trim();
  if (UUID_TEXT.test(text)) return text.toLowerCase();
  if (bytes.length === UUID_BINARY_BYTES) {
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw new LauncherError('ERR_INPUT_UNREADABLE', `UUID file ${path}: does not hold a UUID (fix or delete it to get a new identity)`);
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LauncherError('ERR_INPUT_UNREADABLE', `UUID file ${path}: cannot be read (${why(err)})`, { cause: err });
  }
}

/**
 * The UUID in `path`; when the file does not exist, a new random UUID written there (mode 0600,
 * missing directories created 0700). Returns whether it was created.
 * Throws ERR_INPUT_UNREADABLE (unreadable or not a UUID), ERR_LAUNCH_FAILED (cannot be written).
 */
export async function loadOrCreateUuid(path: string): Promise<{ uuid: string; created: boolean; path: string }> {
  const file = resolve(path);
  const existing = await readIfPresent(file);
  if (existing !== undefined) return { uuid: parseUuid(existing, file), created: false, path: file };
  const uuid = randomUUID();
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': when two launchers share a file and race, the first one's UUID wins for both.
    await writeFile(file, uuid, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateUuid(file);
    throw new LauncherError('ERR_LAUNCH_FAILED', `UUID file ${file}: cannot be written (${why(err)})`, { cause: err });
  }
  return { uuid, created: true, path: file };
}
