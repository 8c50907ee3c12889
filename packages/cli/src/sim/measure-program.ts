/**
 * The simulated TEE's measurement of a program: SHA-256 of the program file. A bare name is
 * resolved through PATH as execvp does, so the measurement is of the file the launcher runs.
 */
import { createReadStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { delimiter, join, resolve } from 'node:path';
import { ConfideError } from '@confide/core';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  if (!(await isFile(path))) return false;
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `program`: as given when it contains a slash, else the first executable
 * file of that name in `pathEnv` (an empty entry is the current directory).
 * Throws ERR_INPUT_UNREADABLE when there is no such file.
 */
export async function resolveProgram(program: string, pathEnv = process.env['PATH'] ?? '', cwd = process.cwd()): Promise<string> {
  if (program === '') throw new ConfideError('ERR_INPUT_UNREADABLE', 'program: empty name');
  if (program.includes('/')) {
    const path = resolve(cwd, program);
    if (!(await isFile(path))) throw new ConfideError('ERR_INPUT_UNREADABLE', `program ${program}: no such file`);
    return path;
  }
  for (const dir of pathEnv.split(delimiter)) {
    const candidate = resolve(cwd, join(dir || '.', program));
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw new ConfideError('ERR_INPUT_UNREADABLE', `program ${program}: not found in PATH (give a path such as ./${program} for a file in the current directory)`);
}

/** SHA-256 of a file, lower-case hex. Throws ERR_INPUT_UNREADABLE. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new ConfideError('ERR_INPUT_UNREADABLE', `program ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return hash.digest('hex');
}

/** Resolves `program` and measures it. Throws ERR_INPUT_UNREADABLE. */
export async function measureProgram(program: string, pathEnv?: string): Promise<{ path: string; measurement: string }> {
  const path = await resolveProgram(program, pathEnv);
  return { path, measurement: await sha256File(path) };
}
