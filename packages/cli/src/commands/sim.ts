/** `confide sim quote|measure|key`: the simulated TEE, for development without TEE hardware. */
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { fromHex, toBase64, toHex, type ConfideError } from '@confide/core';
import { CliError } from '../errors.js';
import { SIM_WARNING } from '@confide/evidence';
import { loadSimulationKey, measureCommand, refuseInProduction, simulateQuote, type SimulationKey } from '@confide/launcher';
import type { Output } from '../output.js';
import { dataDirOption, modeOption } from '../sim/dev-only.js';
import { SUMMARIES } from './summaries.js';

type Encoding = 'binary' | 'base64' | 'hex';

interface QuoteOptions {
  measurement: string;
  signer?: string;
  productId?: string;
  svn?: string;
  reportData: string;
  debug?: boolean;
  dataDir: string;
  out?: string;
  encoding?: Encoding;
  mode: string;
}

function usage(message: string): ConfideError {
  return new CliError('ERR_USAGE', message);
}

function hexArg(flag: string, text: string, min: number, max: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(text.trim());
  } catch {
    throw usage(`${flag}: not a hex string`);
  }
  if (bytes.length < min || bytes.length > max) throw usage(`${flag}: must be ${min === max ? min : `${min} to ${max}`} bytes, got ${bytes.length}`);
  return bytes;
}

function u16Arg(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) > 0xffff) throw usage(`${flag}: must be an integer 0..65535, got ${text}`);
  return Number(text);
}

function encode(bytes: Uint8Array, encoding: Encoding): string | Uint8Array {
  return encoding === 'base64' ? toBase64(bytes) : encoding === 'hex' ? toHex(bytes) : bytes;
}

async function instanceKey(dataDir: string, out: Output): Promise<SimulationKey> {
  const key = await loadSimulationKey(dataDir, { create: true });
  if (key.created) out.note(`Created the simulation key ${key.path} (development only; its public key: ${key.publicKeyPath})`);
  return key;
}

function quoteCommand(sim: Command, output: () => Output): void {
  sim
    .command('quote')
    .description('Write simulated evidence signed by this instance\'s simulation key.')
    .requiredOption('--measurement <hex>', 'measurement, 32 bytes (see `confide sim measure`)')
    .option('--signer <hex>', 'signer identity, 32 bytes (default zero)')
    .option('--product-id <n>', 'product ID, 0..65535 (default 0)')
    .option('--svn <n>', 'security version number, 0..65535 (default 0)')
    .requiredOption('--report-data <hex>', 'report data, 1 to 64 bytes, zero-padded (bind a nonce or a key hash here)')
    .option('--debug', 'set the debug flag')
    .addOption(dataDirOption())
    .option('--out <file>', 'write the evidence to this file instead of standard output')
    .addOption(new Option('--encoding <encoding>', 'binary, base64 or hex (default: binary with --out, base64 on standard output)').choices(['binary', 'base64', 'hex']))
    .addOption(modeOption())
    .addHelpText(
      'after',
      '\nThe evidence is the format of docs/simulated-tee.md; `confide verify <file> --sim-key <pem>` or POST /attest/Simulated verify it.\n' +
        'With --json and no --out the evidence is in the "evidence" member (base64 or hex).',
    )
    .action(async (opts: QuoteOptions) => {
      const out = output();
      refuseInProduction(opts.mode, 'confide sim quote');
      const measurement = hexArg('--measurement', opts.measurement, 32, 32);
      const signer = opts.signer === undefined ? undefined : hexArg('--signer', opts.signer, 32, 32);
      const reportData = hexArg('--report-data', opts.reportData, 1, 64);
      const productId = u16Arg('--product-id', opts.productId);
      const svn = u16Arg('--svn', opts.svn);
      const encoding: Encoding = opts.encoding ?? (opts.out === undefined ? 'base64' : 'binary');
      if (out.json && opts.out === undefined && encoding === 'binary') throw usage('--encoding binary needs --out when --json is given');

      const key = await instanceKey(opts.dataDir, out);
      const evidence = await simulateQuote(key, {
        measurement,
        reportData,
        debug: Boolean(opts.debug),
        ...(signer ? { signer } : {}),
        ...(productId !== undefined ? { productId } : {}),
        ...(svn !== undefined ? { svn } : {}),
      });
      const encoded = encode(evidence, encoding);
      out.note(SIM_WARNING);
      const facts = { encoding, bytes: evidence.length, keyId: key.keyId, measurement: toHex(measurement) };
      if (opts.out !== undefined) {
        try {
          await writeFile(opts.out, encoded);
        } catch (err) {
          throw new CliError('ERR_INPUT_UNREADABLE', `--out ${opts.out}: cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        out.result(
          { ok: true, out: opts.out, ...facts },
          `Wrote simulated evidence (${evidence.length} bytes, ${encoding}) to ${opts.out}\n  measurement  ${facts.measurement}\n  key id       ${key.keyId}`,
        );
      } else if (out.json) {
        out.result({ ok: true, evidence: encoded as string, ...facts }, '');
      } else {
        out.raw(typeof encoded === 'string' ? encoded + '\n' : encoded);
      }
    });
}

function measureCommandLine(sim: Command, output: () => Output): void {
  sim
    .command('measure')
    .description('Print the simulated TEE measurement of a command, exactly as `confide run -- <command>` measures it.')
    .argument('<command...>', 'the program (a name without a slash is looked up in PATH) and, for an interpreter, its script and arguments; put -- before options meant for the program')
    .addOption(modeOption())
    .addHelpText(
      'after',
      `
A native program measures as the SHA-256 of its file; an interpreter and its script (the first
argument that does not begin with - and names a file) as SHA-256(SHA-256(interpreter) || SHA-256(script)):
  confide sim measure ./marble
  confide sim measure -- node server.js     # matches: confide run ... -- node server.js`,
    )
    .action(async (command: string[], opts: { mode: string }) => {
      const out = output();
      refuseInProduction(opts.mode, 'confide sim measure');
      const { path, script, measurement } = await measureCommand(command);
      out.result({ ok: true, program: command[0], path, ...(script !== undefined ? { script } : {}), measurement }, measurement);
    });
}

function keyCommand(sim: Command, output: () => Output): void {
  sim
    .command('key')
    .description('Print this instance\'s simulation public key (PEM) for relying parties; creates the key at first use.')
    .addOption(dataDirOption())
    .addOption(modeOption())
    .addHelpText('after', '\nRelying parties pass the PEM to `confide verify <evidence> --sim-key <file>`.')
    .action(async (opts: { dataDir: string; mode: string }) => {
      const out = output();
      refuseInProduction(opts.mode, 'confide sim key');
      const key = await instanceKey(opts.dataDir, out);
      out.result({ ok: true, publicKey: key.publicKeyPem, keyId: key.keyId, path: key.publicKeyPath, created: key.created }, key.publicKeyPem);
    });
}

export function simCommand(program: Command, output: () => Output): void {
  const sim = program
    .command('sim')
    .description(SUMMARIES.sim);
  quoteCommand(sim, output);
  measureCommandLine(sim, output);
  keyCommand(sim, output);
}
