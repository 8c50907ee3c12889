/** Runs `confide <args>` inside the test process: no node start-up, modules loaded once. */
import { run } from '../src/program.js';
import type { Run } from './spawn-cli.js';

/** For usage, refusal and offline commands, where a process is not the point (env and stdin are the test's own). */
export async function runInProcess(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
  const code = await run(args, {
    stdout: { write: (chunk) => (stdout += text(chunk)) },
    stderr: { write: (chunk) => (stderr += text(chunk)) },
  });
  return { code, stdout, stderr };
}
