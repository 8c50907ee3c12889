/** `confide run`: the launcher. Attests, activates with the coordinator, then runs the program. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Output } from '../output.js';
import type { CliContext } from '../context.js';
import { dataDirOption, modeOption } from '../sim/dev-only.js';
import { launcherExitCode } from '../launcher/exit-code.js';
import { SIM_WARNING } from '@confide/evidence';
import { prepareLaunch, runProgram, TEE_CHOICES, TTLS_MODES, type LaunchOptions } from '@confide/launcher';
import { KNOWN_ERROR_CODES } from '@confide/server/errors';
import { SUMMARIES } from './summaries.js';

/** The flags: the launch options that come from the command line (marble type may be missing: prepareLaunch says so). */
type RunOptions = Pick<LaunchOptions, 'coordinator' | 'uuidFile' | 'tee' | 'dnsNames' | 'measurement' | 'dataDir' | 'mode' | 'ttls'> & { marbleType?: string; ttlsPort?: Record<string, number> };

/** `--ttls-port <entry>=<port>`, repeated: the MARBLE_TTLS_CONFIG entry (`*:8443`, `db:5432`) and the program's plaintext loopback port. */
function ttlsPort(value: string, previous: Record<string, number> | undefined): Record<string, number> {
  const at = value.lastIndexOf('=');
  const port = Number(value.slice(at + 1));
  if (at <= 0 || !/^[0-9]{1,5}$/.test(value.slice(at + 1)) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('expected <entry>=<port>, e.g. *:8443=9443 or db.internal:5432=15432');
  }
  return { ...previous, [value.slice(0, at)]: port };
}

const HELP_AFTER = `
Environment (flags win): EDG_MARBLE_COORDINATOR_ADDR, EDG_MARBLE_TYPE, EDG_MARBLE_DNS_NAMES,
EDG_MARBLE_UUID_FILE (as in MarbleRun), CONFIDE_TEE, CONFIDE_TTLS, CONFIDE_DATA_DIR, CONFIDE_MODE.
Before the program starts, the launcher exits 1 (usage), 2 (the coordinator refused) or 3
(TEE, coordinator or file I/O error); afterwards it exits with the program's code (128 + signal
number when a signal killed it). See docs/launcher.md.`;

export function runCommand(program: Command, output: () => Output, ctx: CliContext): void {
  program
    .command('run')
    .description(SUMMARIES.run)
    .argument('<command...>', 'the program and its arguments, after -- (a bare name is looked up in PATH)')
    .addOption(new Option('--coordinator <addr>', 'coordinator host:port').env('EDG_MARBLE_COORDINATOR_ADDR').default('localhost:8443'))
    .addOption(new Option('--marble-type <name>', 'the marble\'s entry in the manifest (required)').env('EDG_MARBLE_TYPE'))
    .addOption(new Option('--uuid-file <path>', 'file keeping the marble\'s UUID across restarts, created when absent (default: <data-dir>/marbles/<marble-type>/<hash of the working directory>.uuid: one identity per type and working directory)').env('EDG_MARBLE_UUID_FILE'))
    .addOption(new Option('--tee <tee>', 'evidence source; auto detects Gramine (SGX) or configfs-tsm (SEV-SNP, TDX)').choices([...TEE_CHOICES]).env('CONFIDE_TEE').default('auto'))
    .addOption(new Option('--dns-names <a,b>', 'DNS names for the marble certificate (localhost is always added)').env('EDG_MARBLE_DNS_NAMES'))
    .addOption(new Option('--ttls <mode>', 'the manifest\'s TLS tags (MARBLE_TTLS_CONFIG): refuse to run the program (an unmodified program would talk plaintext), proxy: put the launcher\'s TLS proxy around it (docs/coordinator.md), or program: it applies them itself (built with MarbleRun\'s TTLS support)').choices([...TTLS_MODES]).env('CONFIDE_TTLS').default('refuse'))
    .addOption(new Option('--ttls-port <entry=port>', 'with --ttls proxy: the program\'s plaintext loopback port for a MARBLE_TTLS_CONFIG entry (*:8443=9443, db:5432=15432); repeat per entry; default a free port, named in CONFIDE_TTLS_LISTEN_<port> / CONFIDE_TTLS_CONNECT_<host>_<port>').argParser(ttlsPort))
    .option('--measurement <hex>', 'with --tee sim: the 32-byte measurement to claim (default: SHA-256 of the program file)')
    .addOption(dataDirOption())
    .addOption(modeOption())
    .addHelpText('after', HELP_AFTER)
    .action(async (command: string[], opts: RunOptions) => {
      const out = output();
      let code: number;
      try {
        if (opts.tee === 'sim' && opts.mode !== 'production') out.note(SIM_WARNING);
        const prepared = await prepareLaunch({
          coordinator: opts.coordinator,
          marbleType: opts.marbleType ?? '',
          ...(opts.uuidFile !== undefined ? { uuidFile: opts.uuidFile } : {}),
          tee: opts.tee,
          ...(opts.dnsNames !== undefined ? { dnsNames: opts.dnsNames } : {}),
          ...(opts.measurement !== undefined ? { measurement: opts.measurement } : {}),
          dataDir: opts.dataDir,
          mode: opts.mode,
          ...(opts.ttls !== undefined ? { ttls: opts.ttls } : {}),
          ...(opts.ttlsPort !== undefined ? { ttlsPorts: opts.ttlsPort } : {}),
          command,
          env: process.env,
          roots: {
            // For tests and unusual mounts; evidence from anywhere is still verified by the coordinator.
            ...(process.env['CONFIDE_ATTESTATION_DIR'] ? { attestationDir: process.env['CONFIDE_ATTESTATION_DIR'] } : {}),
            ...(process.env['CONFIDE_TSM_REPORT_DIR'] ? { tsmReportDir: process.env['CONFIDE_TSM_REPORT_DIR'] } : {}),
          },
          refusalCodes: KNOWN_ERROR_CODES,
          note: (text) => out.note(text),
        });
        try {
          code = await runProgram(prepared.program);
        } finally {
          await prepared.ttlsProxy?.close();
        }
      } catch (err) {
        out.failure(err);
        code = launcherExitCode(err);
      }
      // The program's exit code is the launcher's.
      ctx.exitWith(code);
    });
}
