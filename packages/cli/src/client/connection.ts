/**
 * How a command reaches the coordinator: address, TLS trust, and (for user calls) the client
 * certificate. Options are read once into a Connection; nothing reads the environment later.
 */
import { readFile } from 'node:fs/promises';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { Option, type Command } from 'commander';
import { CliError } from '../errors.js';
import type { CoordinatorAddress } from '@confide/launcher/coordinator-address';
import { resolveCoordinatorAddress } from './address.js';
import { splitPemCertificates } from './pem.js';

export interface ConnectionFlags {
  coordinator?: string;
  ca?: string;
  insecure?: boolean;
  pin?: string;
  cert?: string;
  key?: string;
  timeout?: string;
}

export interface Connection {
  address: CoordinatorAddress;
  /** PEM certificates trusted for the TLS connection; undefined: the system's CAs. */
  ca: string[] | undefined;
  /** Skip TLS verification (trust then rests on `confide coordinator verify` alone). */
  insecure: boolean;
  /**
   * Lower-case hex SHA-256 of the server's TLS SubjectPublicKeyInfo, as `coordinator verify
   * --pin-out` saves it: the connection is accepted only with that key.
   */
  pin: string | undefined;
  /** PEM client certificate and key of a manifest user. */
  identity: { cert: string; key: string } | undefined;
  timeoutMs: number;
}

/** Adds the connection options; `user` adds --cert/--key for calls made as a manifest user. */
export function addConnectionOptions(cmd: Command, { user = false }: { user?: boolean } = {}): Command {
  cmd
    .addOption(new Option('--coordinator <addr>', 'coordinator host:port (default: CONFIDE_COORDINATOR, EDG_MARBLE_COORDINATOR_ADDR, else localhost:8443)'))
    .addOption(new Option('--ca <file>', 'PEM certificate(s) of the CA that issued the server\'s TLS certificate (dev mode: <data-dir>/tls/ca.pem); the attested coordinator is trusted with --pin instead').env('CONFIDE_CA'))
    .addOption(new Option('--pin <file|hex>', 'accept only a server whose TLS key hashes to this SHA-256 (hex, or a file from `coordinator verify --pin-out`); without --ca the CA check is skipped').env('CONFIDE_PIN'))
    .addOption(new Option('--insecure', 'do not verify the TLS certificate (trust rests on `confide coordinator verify` alone)'))
    .addOption(new Option('--timeout <seconds>', 'give up on the coordinator after this long').default('60'));
  if (user) {
    cmd
      .addOption(new Option('--cert <file>', 'PEM client certificate of a manifest user').env('CONFIDE_CLIENT_CERT'))
      .addOption(new Option('--key <file>', 'PEM private key of that certificate').env('CONFIDE_CLIENT_KEY'));
  }
  return cmd;
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The pin: 64 hex digits given directly, else the first line of a file holding them. Throws ERR_USAGE, ERR_INPUT_UNREADABLE. */
async function readPin(value: string): Promise<string> {
  if (HEX_SHA256.test(value)) return value.toLowerCase();
  const text = (await readText(value, '--pin')).trim();
  if (!HEX_SHA256.test(text)) throw new CliError('ERR_USAGE', `--pin ${value}: neither 64 hex digits nor a file holding them`);
  return text.toLowerCase();
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `${what} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * The client certificate and key must be a pair: TLS would otherwise fail with a bare
 * "key values mismatch". Throws ERR_USAGE naming both files.
 */
function checkIdentity(identity: { cert: string; key: string }, certFile: string, keyFile: string): void {
  let certKey: string;
  let ownKey: string;
  try {
    certKey = new X509Certificate(identity.cert).publicKey.export({ type: 'spki', format: 'pem' }) as string;
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `--cert ${certFile}: not a PEM certificate (${(err as Error).message})`);
  }
  try {
    ownKey = createPublicKey(createPrivateKey(identity.key)).export({ type: 'spki', format: 'pem' }) as string;
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `--key ${keyFile}: not a PEM private key (${(err as Error).message})`);
  }
  if (certKey !== ownKey) throw new CliError('ERR_USAGE', `--key ${keyFile} is not the private key of the certificate in --cert ${certFile}`);
}

/**
 * Reads the files the flags name. `needUser` demands --cert and --key. Throws ERR_USAGE,
 * ERR_INPUT_UNREADABLE.
 */
export async function openConnection(given: ConnectionFlags, { needUser = false }: { needUser?: boolean } = {}): Promise<Connection> {
  // An empty environment variable counts as unset.
  const flags = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== '')) as ConnectionFlags;
  const address = resolveCoordinatorAddress(flags.coordinator);
  const timeout = Number(flags.timeout ?? '60');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new CliError('ERR_USAGE', `--timeout: not a positive number of seconds: ${flags.timeout}`);
  let ca: string[] | undefined;
  if (flags.ca !== undefined) {
    ca = splitPemCertificates(await readText(flags.ca, '--ca'));
    if (ca.length === 0) throw new CliError('ERR_INPUT_UNREADABLE', `--ca ${flags.ca}: holds no PEM certificate`);
  }
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new CliError('ERR_USAGE', '--cert and --key must be given together');
  if (needUser && flags.cert === undefined) throw new CliError('ERR_USAGE', 'this command acts as a manifest user: give --cert and --key (or CONFIDE_CLIENT_CERT / CONFIDE_CLIENT_KEY)');
  const identity = flags.cert !== undefined ? { cert: await readText(flags.cert, '--cert'), key: await readText(flags.key!, '--key') } : undefined;
  if (identity) checkIdentity(identity, flags.cert!, flags.key!);
  const pin = flags.pin !== undefined ? await readPin(flags.pin) : undefined;
  return { address, ca, insecure: flags.insecure === true, pin, identity, timeoutMs: timeout * 1000 };
}
