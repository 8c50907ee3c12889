/**
 * The `confide` command line. Commands load lazily: `confide --version` loads commander and
 * nothing else, and each command loads only its own module (`confide run` never loads the
 * server). `confide --help` lists every command from its summary alone.
 */
import { Command, CommanderError } from 'commander';
import { isConfideError, type ConfideError } from '@confide/core';
import { CliError } from './errors.js';
import { VERSION } from '@confide/server/version';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { makeOutput, processIo, type Io, type Output } from './output.js';
import { SUMMARIES, type CommandName } from './commands/summaries.js';
import type { CliContext } from './context.js';

const EXIT_HELP = `
Exit codes: 0 ok, 1 usage or configuration error, 2 verification failed or denied, 3 server or I/O error.
Every command takes --json for one machine-readable JSON object on standard output.`;


type DefineCommand = (program: Command, output: () => Output, ctx: CliContext) => void;

const LOADERS: Record<CommandName, () => Promise<DefineCommand>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  sim: async () => (await import('./commands/sim.js')).simCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  coordinator: async () => (await import('./commands/coordinator.js')).coordinatorCommand,
  manifest: async () => (await import('./commands/manifest.js')).manifestCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  certificate: async () => (await import('./commands/certificate.js')).certificateCommand,
  secret: async () => (await import('./commands/secret.js')).secretCommand,
  recover: async () => (await import('./commands/recover.js')).recoverCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  ledger: async () => (await import('./commands/ledger.js')).ledgerCommand,
  key: async () => (await import('./commands/key.js')).keyCommand,
  keyvault: async () => (await import('./commands/keyvault.js')).keyvaultCommand,
  config: async () => (await import('./commands/config.js')).configCommand,
  docs: async () => (await import('./commands/docs.js')).docsCommand,
};

/** The arguments before `--` (after it, everything is the launched program's). */
function ownArgs(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
}

/** The top-level command the arguments name (`help <name>` too), if any. Global options take no value. */
function invokedCommand(args: readonly string[]): CommandName | undefined {
  const operands = ownArgs(args).filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return name !== undefined && Object.hasOwn(SUMMARIES, name) ? (name as CommandName) : undefined;
}

/**
 * The program with the invoked command fully defined and the others as summaries only.
 * `args` are the user's arguments (without node and the script).
 */
async function buildProgram(args: readonly string[], io: Io = processIo, ctx: CliContext = { exitWith: () => undefined }): Promise<{ program: Command; output: () => Output }> {
  const program = new Command('confide');
  const json = ownArgs(args).includes('--json');
  const output = (): Output => makeOutput(json || Boolean(program.opts()['json']), io);
  program
    .description('Confide: open confidential-computing control plane.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable output: one JSON object on standard output')
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    // Usage errors are printed by main(): one line with the way to the command's help, or JSON.
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined });
  const invoked = invokedCommand(args);
  for (const name of Object.keys(SUMMARIES) as CommandName[]) {
    if (name === invoked) (await LOADERS[name]())(program, output, ctx);
    else program.command(name).description(SUMMARIES[name]);
  }
  const everyCommand = (cmd: Command): Command[] => cmd.commands.flatMap((c) => [c, ...everyCommand(c)]);
  for (const cmd of everyCommand(program)) {
    cmd.exitOverride().addHelpText('after', EXIT_HELP).configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined });
  }
  return { program, output };
}

/** `confide sim measure` for `sim measure --bogus`: the deepest command the operands name. */
function commandPath(program: Command, args: readonly string[]): string {
  const names = ['confide'];
  let at = program;
  for (const a of ownArgs(args)) {
    if (a.startsWith('-')) continue;
    const sub = at.commands.find((c) => c.name() === a);
    if (!sub) break;
    names.push(a);
    at = sub;
  }
  return names.join(' ');
}

/** Runs the CLI with the user's `args`; resolves to the process exit code. */
export async function run(args: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode: number | undefined;
  const { program, output } = await buildProgram(args, io, { exitWith: (code) => (exitCode = code) });
  const usage = (message: string): ConfideError => new CliError('ERR_USAGE', `${message} (see \`${commandPath(program, args)} --help\`)`);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode ?? EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; anything else commander refuses is a usage error.
      if (err.exitCode === 0) return EXIT.OK;
      // A command that needs a subcommand has printed its help already.
      if (err.code === 'commander.help') return EXIT.USAGE;
      output().failure(usage(err.message.replace(/^error: /, '')));
      return EXIT.USAGE;
    }
    output().failure(isConfideError(err, 'ERR_USAGE') ? usage(err.message) : err);
    return exitCode ?? exitCodeFor(err);
  }
}

/** Runs the CLI from a process argv (node, script, args...); resolves to the process exit code. */
export function main(argv: string[]): Promise<number> {
  return run(argv.slice(2));
}
