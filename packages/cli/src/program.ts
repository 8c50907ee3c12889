/** The `confide` command line. */
import { Command, CommanderError } from 'commander';
import { VERSION } from '@confide/server';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { makeOutput, type Output } from './output.js';
import { serveCommand } from './commands/serve.js';
import { configCommand } from './commands/config.js';
import { docsCommand } from './commands/docs.js';
import { verifyCommand } from './commands/verify.js';
import { simCommand } from './commands/sim.js';
import { runCommand } from './commands/run.js';
import { manifestCommand } from './commands/manifest.js';
import { statusCommand } from './commands/status.js';
import { certificateCommand } from './commands/certificate.js';
import { secretCommand } from './commands/secret.js';
import { recoverCommand } from './commands/recover.js';
import { coordinatorCommand } from './commands/coordinator.js';
import { auditCommand } from './commands/audit.js';

const EXIT_HELP = `
Exit codes: 0 ok, 1 usage or configuration error, 2 verification failed or denied, 3 server or I/O error.
Every command takes --json for one machine-readable JSON object on standard output.`;

export function buildProgram(): { program: Command; output: () => Output } {
  const program = new Command('confide');
  const output = (): Output => makeOutput(Boolean(program.opts()['json']));
  program
    .description('Confide: open confidential-computing control plane.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable output: one JSON object on standard output')
    .showHelpAfterError()
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  serveCommand(program, output);
  verifyCommand(program, output);
  simCommand(program, output);
  runCommand(program, output);
  coordinatorCommand(program, output);
  manifestCommand(program, output);
  statusCommand(program, output);
  certificateCommand(program, output);
  secretCommand(program, output);
  recoverCommand(program, output);
  auditCommand(program, output);
  configCommand(program, output);
  docsCommand(program);
  const everyCommand = (cmd: Command): Command[] => cmd.commands.flatMap((c) => [c, ...everyCommand(c)]);
  for (const cmd of everyCommand(program)) cmd.exitOverride().addHelpText('after', EXIT_HELP);
  return { program, output };
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const { program, output } = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; anything else commander refuses is a usage error (already printed).
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    output().failure(err);
    return exitCodeFor(err);
  }
}
