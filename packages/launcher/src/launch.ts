/**
 * Everything `confide run` does before the program starts: identity, evidence, activation,
 * files; it returns the program to run. Kept apart from spawning so tests can drive it in process.
 */
import { webcrypto } from 'node:crypto';
import { fromHex, toBase64, type ConfideError } from '@confide/core';
import { useX509Crypto } from '@confide/evidence';
import { LauncherError } from './errors.js';
import { refuseInProduction } from './sim/dev-only.js';
import { measureCommand, resolveProgram } from './sim/measure-program.js';
import { requestActivation, type RefusalCodes } from './activate.js';
import type { Activation } from './answer.js';
import { applyFiles } from './apply-files.js';
import { checkTtls, parseTtlsConfig, startTtlsProxy, TTLS_CONFIG_ENV, ttlsConfigOf, type TtlsMode, type TtlsProxy } from './ttls/index.js';
import { childEnv } from './child-env.js';
import { formatAddress, parseCoordinatorAddress } from './coordinator-address.js';
import { selectSource, type SourceRoots } from './evidence/select-source.js';
import type { LauncherTee, TeeChoice } from './evidence/types.js';
import { createActivationIdentity } from './identity.js';
import type { ProgramSpec } from './run-program.js';
import { defaultUuidFile, loadOrCreateUuid } from './uuid-file.js';

export interface LaunchOptions {
  /** host:port (EDG_MARBLE_COORDINATOR_ADDR). */
  coordinator: string;
  /** EDG_MARBLE_TYPE. */
  marbleType: string;
  /** EDG_MARBLE_UUID_FILE; default under the data directory, per marble type and working directory (see defaultUuidFile). */
  uuidFile?: string;
  tee: TeeChoice;
  /** Comma-separated (EDG_MARBLE_DNS_NAMES); sent only when given. */
  dnsNames?: string;
  /** Hex, 32 bytes: the simulated measurement instead of the command's (see measureCommand). */
  measurement?: string;
  /** Holds the simulation key for `--tee sim`. */
  dataDir: string;
  mode: string;
  /** The program and its arguments. */
  command: string[];
  /** The launcher's environment: the program inherits it, and PATH resolves the program. */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  roots?: SourceRoots;
  /** The codes a refusal keeps (see RefusalCodes): the CLI passes every package's. */
  refusalCodes: RefusalCodes;
  timeoutMs?: number;
  /** Progress lines (stderr). */
  note?: (text: string) => void;
  /** What to do with the manifest's TLS tags (ttls/mode.ts); default refuse. */
  ttls?: TtlsMode;
  /** With ttls `proxy`: the program's plaintext port per MARBLE_TTLS_CONFIG entry (`--ttls-port`); the others get free ports. */
  ttlsPorts?: Record<string, number>;
}

export interface PreparedLaunch {
  program: ProgramSpec;
  uuid: string;
  tee: LauncherTee;
  activation: Activation;
  /** Absolute paths of the files written. */
  written: string[];
  /** With ttls `proxy` and TLS tags: the running proxy; close it once the program exited. */
  ttlsProxy?: TtlsProxy | undefined;
}

function usage(message: string): ConfideError {
  return new LauncherError('ERR_USAGE', message);
}

function measurementArg(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(text.trim());
  } catch {
    throw usage('--measurement: not a hex string');
  }
  if (bytes.length !== 32) throw usage(`--measurement: must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

function dnsNameList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  return names.length > 0 ? names : undefined;
}

/**
 * Activates the marble and writes its files; returns the program to run.
 * Throws ERR_USAGE, ERR_PRODUCTION_REFUSED, ERR_INPUT_UNREADABLE (program, UUID file, simulation
 * key), ERR_TEE_UNAVAILABLE, the coordinator's refusal (see isRefusal), ERR_ACTIVATION_FAILED,
 * ERR_TTLS_UNSUPPORTED, ERR_TTLS_PROXY_FAILED, ERR_LAUNCH_FAILED.
 */
export async function prepareLaunch(opts: LaunchOptions): Promise<PreparedLaunch> {
  useX509Crypto(webcrypto as unknown as Crypto); // confide run's entry: the activation certificate is made with @peculiar/x509
  const note = opts.note ?? ((): void => undefined);
  const cwd = opts.cwd ?? process.cwd();
  if (opts.marbleType.trim() === '') throw usage('the marble type is missing: pass --marble-type <name> or set EDG_MARBLE_TYPE');
  if (opts.command.length === 0 || opts.command[0] === '') throw usage('no program to run: confide run [options] -- <command> [args...]');
  if (opts.tee === 'sim') refuseInProduction(opts.mode, '--tee sim');
  if (opts.measurement !== undefined && opts.tee !== 'sim') throw usage('--measurement applies to --tee sim only; hardware TEEs measure for themselves');
  const addr = parseCoordinatorAddress(opts.coordinator);
  const dnsNames = dnsNameList(opts.dnsNames);

  // Resolved once: the file measured is the file executed; an interpreter is measured with its script.
  const pathEnv = opts.env['PATH'] ?? '';
  const file = await resolveProgram(opts.command[0]!, pathEnv, cwd);
  const measurement =
    opts.tee !== 'sim' ? undefined : opts.measurement !== undefined ? measurementArg(opts.measurement) : fromHex((await measureCommand(opts.command, pathEnv, cwd)).measurement);
  const source = await selectSource(opts.tee, opts.roots, measurement ? { dataDir: opts.dataDir, measurement } : undefined);

  const { uuid, created, path: uuidPath } = await loadOrCreateUuid(opts.uuidFile ?? defaultUuidFile(opts.dataDir, opts.marbleType, cwd));
  if (created) note(`confide run: new marble UUID ${uuid}, kept in ${uuidPath}`);
  const identity = await createActivationIdentity(uuid);
  const evidence = await source.obtain(identity.reportData);
  const activation = await requestActivation(
    addr,
    identity,
    { marbleType: opts.marbleType, uuid, tee: evidence.tee, evidence: toBase64(evidence.bytes), ...(dnsNames ? { dnsNames } : {}) },
    opts.refusalCodes,
    opts.timeoutMs,
  );
  // Before a file is written: a marble that needs TLS the launcher cannot give it does not start.
  checkTtls(activation, opts.ttls ?? 'refuse');
  if (opts.ttlsPorts !== undefined && Object.keys(opts.ttlsPorts).length > 0 && opts.ttls !== 'proxy') throw usage('--ttls-port applies to --ttls proxy only');
  const ttlsText = opts.ttls === 'proxy' ? ttlsConfigOf(activation) : undefined;
  const proxy = ttlsText === undefined ? undefined : await startTtlsProxy({ config: parseTtlsConfig(ttlsText), ...(opts.ttlsPorts ? { localPorts: opts.ttlsPorts } : {}), note });
  try {
    const written = await applyFiles(activation.files, cwd);
    note(`confide run: activated marble ${uuid} (type ${opts.marbleType}, ${evidence.tee}) with the coordinator at ${formatAddress(addr)}; ${written.length} file(s) written`);
    const env = childEnv(opts.env, activation);
    if (proxy) {
      // The proxy applies the configuration: a program that also read it would wrap TLS in TLS.
      delete env[TTLS_CONFIG_ENV];
      Object.assign(env, proxy.env);
      note(`confide run: TTLS proxy up: ${Object.entries(proxy.env).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
    return {
      program: { file, argv: activation.argv.length > 0 ? activation.argv : opts.command, env },
      uuid,
      tee: evidence.tee,
      activation,
      written,
      ttlsProxy: proxy,
    };
  } catch (err) {
    await proxy?.close();
    throw err;
  }
}
