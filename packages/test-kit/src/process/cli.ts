/** The built `confide` binary as a black box: a run to completion, a started process, a server. */
import { fileURLToPath } from 'node:url';
import { loadScaled } from './load.js';
import { startProcess, type Run, type StartOptions, type Started } from './started.js';

/** packages/cli/dist/src/bin.js (the CLI must be built). */
export const CLI_BIN = fileURLToPath(new URL('../../../../cli/dist/src/bin.js', import.meta.url));

/** Starts `confide <args>` with the options of startProcess. */
export function startCli(args: readonly string[], options: StartOptions = {}): Started {
  return startProcess(process.execPath, [CLI_BIN, ...args], options);
}

/** Runs `confide <args>` to completion (killed after `timeoutMs`, 30 s scaled by load by default). */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = loadScaled(30_000)): Promise<Run> {
  return startCli(args, { env, timeoutMs }).done;
}

export interface CliJson {
  code: number | null;
  /** The last line of stdout parsed (`{ unparsed }` when it is not JSON). */
  json: { ok?: boolean; error?: { code: string }; [key: string]: unknown };
  stderr: string;
}

/** `confide --json <args>` to completion: its exit code and the JSON object it printed last. */
export async function runCliJson(args: readonly string[], timeoutMs = loadScaled(60_000)): Promise<CliJson> {
  const r = await runCli(['--json', ...args], {}, timeoutMs);
  try {
    return { code: r.code, json: JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as CliJson['json'], stderr: r.stderr };
  } catch {
    return { code: r.code, json: { unparsed: r.stdout }, stderr: r.stderr };
  }
}

export interface Served {
  child: Started['child'];
  url: string;
  /** Path of the CA certificate the server's TLS certificate chains to. */
  caCert: string;
  output: Started['output'];
  exited: Promise<number | null>;
}

/**
 * Starts `confide --json serve --log-level warn <args>` and resolves once it prints its listening
 * line (within 20 s scaled by load), or rejects with its output when it exits first.
 */
export async function startServe(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Served> {
  // No kill timer: the test stops the server; waitFor bounds the start.
  // Tests run side by side: the marble API's fixed default port (2001) would collide, so it takes a free one unless the test says otherwise.
  const started = startCli(['--json', 'serve', '--log-level', 'warn', ...args], { env: { EDG_COORDINATOR_MESH_ADDR: '127.0.0.1:0', ...env }, timeoutMs: 0 });
  await started.waitFor(/^\{.*"event":"listening"/m);
  const line = started.output().stdout.split('\n').find((l) => /^\{.*"event":"listening"/.test(l))!;
  const msg = JSON.parse(line) as { url: string; caCert: string };
  return { child: started.child, url: msg.url, caCert: msg.caCert, output: started.output, exited: started.done.then((r) => r.code) };
}
