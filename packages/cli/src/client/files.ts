/** Reading the user's input files and writing results, with failures named. */
import { readFile, writeFile } from 'node:fs/promises';
import { CliError } from '../errors.js';

/** The bytes of a file (`-` for standard input). Throws ERR_INPUT_UNREADABLE. */
export async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    }
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `${what} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A JSON file's value. Throws ERR_INPUT_UNREADABLE. */
export async function readJsonInput(path: string, what: string): Promise<unknown> {
  const bytes = await readInput(path, what);
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `${what} ${path}: not valid JSON (${(err as Error).message})`);
  }
}

/** Writes a result file; `secret` makes it readable by the owner only. Throws ERR_INPUT_UNREADABLE (the path is the user's input). */
export async function writeOutput(path: string, data: string | Uint8Array, { secret = false }: { secret?: boolean } = {}): Promise<void> {
  try {
    await writeFile(path, data, { mode: secret ? 0o600 : 0o644 });
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `${path}: cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
