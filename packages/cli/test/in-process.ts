/** Runs `confide <args>` inside the test process: no node start-up, modules loaded once. */
import type { Run } from '@confide/test-kit/process';
import { run } from '../src/program.js';

/**
 * For usage, refusal and offline commands, where a process is not the point. `env` is set on
 * this process's environment for the run and restored after it (undefined removes a variable),
 * so the runs of one file must not overlap (node:test runs a file's tests one at a time).
 */
export async function runInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  const apply = (entries: ReadonlyArray<readonly [string, string | undefined]>): void => {
    for (const [k, v] of entries) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(Object.entries(env));
  try {
    const code = await run(args, {
      stdout: { write: (chunk) => (stdout += text(chunk)) },
      stderr: { write: (chunk) => (stderr += text(chunk)) },
    });
    return { code, stdout, stderr };
  } finally {
    apply(saved);
  }
}
