/**
 * The simulated TEE's measurement of a command, as `confide run -- <command>` starts it. A bare
 * program name is resolved through PATH as execvp does, so the file measured is the file run.
 * - A native program (`./marble`): SHA-256 of the program file.
 * - An interpreter and its script (`node server.js`, `python3 -X dev app.py`): the script is
 *   the first argument that does not begin with `-` and names a regular file; the measurement
 *   is SHA-256(SHA-256(interpreter file) || SHA-256(script file)), so a change to either one
 *   changes the identity, as an SGX enclave's MRENCLAVE covers the runtime and its trusted files.
 * See docs/simulated-tee.md.
 */
import { createReadStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { delimiter, join, resolve } from 'node:path';
import { LauncherError } from '../errors.js';

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
  if (program === '') throw new LauncherError('ERR_INPUT_UNREADABLE', 'program: empty name');
  if (program.includes('/')) {
    const path = resolve(cwd, program);
    if (!(await isFile(path))) throw new LauncherError('ERR_INPUT_UNREADABLE', `program ${program}: no such file`);
    return path;
  }
  for (const dir of pathEnv.split(delimiter)) {
    const candidate = resolve(cwd, join(dir || '.', program));
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw new LauncherError('ERR_INPUT_UNREADABLE', `program ${program}: not found in PATH (give a path such as ./${program} for a file in the current directory)`);
}

/** SHA-256 of a file, lower-case hex. Throws ERR_INPUT_UNREADABLE. */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new LauncherError('ERR_INPUT_UNREADABLE', `program ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return hash.digest('hex');
}

export interface CommandMeasurement {
  /** The program file that is run. */
  path: string;
  /** The script file measured with it, when the command is an interpreter and a script. */
  script?: string;
  /** Lower-case hex, 32 bytes. */
  measurement: string;
}

/** The script of an interpreter command: the first non-option argument that names a regular file. */
async function scriptOf(args: readonly string[], cwd: string): Promise<string | undefined> {
  const first = args.find((a) => !a.startsWith('-'));
  if (first === undefined) return undefined;
  const path = resolve(cwd, first);
  return (await isFile(path)) ? path : undefined;
}

/** Resolves and measures `command` (program and arguments) as described above. Throws ERR_INPUT_UNREADABLE. */
export async function measureCommand(command: readonly string[], pathEnv = process.env['PATH'] ?? '', cwd = process.cwd()): Promise<CommandMeasurement> {
  const path = await resolveProgram(command[0] ?? '', pathEnv, cwd);
  const script = await scriptOf(command.slice(1), cwd);
  const program = await sha256File(path);
  if (script === undefined) return { path, measurement: program };
  const both = createHash('sha256').update(Buffer.from(program, 'hex')).update(Buffer.from(await sha256File(script), 'hex'));
  return { path, script, measurement: both.digest('hex') };
}
